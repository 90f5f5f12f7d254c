#!/bin/bash
# Packs the contract (AlpacaFarm.Abstractions), the modeling SDK (AlpacaFarm.Modeling) and the native patch's build targets
# (AlpacaFarm.NativePatch) into FOLDER, the local feed a method built from templates/alpacafarm-method restores from.
# Usage: templates/pack-feed.sh FOLDER
set -euo pipefail
feed=${1:?usage: $0 FOLDER}
root=$(cd "$(dirname "$0")/.." && pwd)
version() { grep -oE "$2 = [0-9]+" "$1" | grep -oE '[0-9]+$'; }
contract="$(version "$root/src/Abstractions/ContractVersion.cs" Major).$(version "$root/src/Abstractions/ContractVersion.cs" Minor).$(version "$root/src/Abstractions/ContractVersion.cs" Patch)"
sdk="$(version "$root/src/Modeling/SdkVersion.cs" Major).$(version "$root/src/Modeling/SdkVersion.cs" Minor).$(version "$root/src/Modeling/SdkVersion.cs" Patch)"
versions=(-p:ContractPackageVersion="$contract" -p:SdkPackageVersion="$sdk")
dotnet pack "$root/src/Abstractions" -c Release -o "$feed" "${versions[@]}" --nologo -v quiet
dotnet pack "$root/src/Modeling" -c Release -o "$feed" "${versions[@]}" --nologo -v quiet
dotnet pack "$root/build/NativePatch" -c Release -o "$feed" --nologo -v quiet
# A version packed again from changed sources would otherwise be restored from NuGet's global cache as it was first seen:
# these packages exist only in local feeds, so their cached copies are dropped.
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$cache/alpacafarm.abstractions/$contract" "$cache/alpacafarm.modeling/$sdk" "$cache/alpacafarm.nativepatch"
echo "contract $contract, SDK $sdk packed into $feed"
