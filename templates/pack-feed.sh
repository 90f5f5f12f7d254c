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
dotnet pack "$root/src/Abstractions" -c Release -o "$feed" -p:PackageVersion="$contract" --nologo -v quiet
dotnet pack "$root/src/Modeling" -c Release -o "$feed" -p:PackageVersion="$sdk" --nologo -v quiet
dotnet pack "$root/build/NativePatch" -c Release -o "$feed" --nologo -v quiet
echo "contract $contract, SDK $sdk packed into $feed"
