// Reads and weakens symbol-version needs in ELF64 little-endian shared libraries.
//
// Why: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 (GCC 13's libstdc++) for one
// symbol, std::ios_base_library_init(), which is never relocated. Where the system libstdc++ is
// older (Debian 12), marking that need VER_FLG_WEAK lets the loader accept the library.
//
// This one file is compiled twice: by MSBuild's RoslynCodeTaskFactory (AlpacaFarm.NativePatch.targets beside it,
// with the task class at the bottom) and into AlpacaFarm.Application (ALPACAFARM_NO_MSBUILD defined),
// which reports the patch state in `alpacafarm info`. Keep it to C# 7.3 and netstandard2.0 APIs for the former.
#nullable enable
using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace AlpacaFarm.Native
{
    /// <summary>State of one version need (e.g. GLIBCXX_3.4.32) in a library's .gnu.version_r section.</summary>
    public enum VersionNeedState
    {
        /// <summary>The library does not ask for the version.</summary>
        Absent,
        /// <summary>The library requires it: loading fails where the system library lacks it.</summary>
        Required,
        /// <summary>The need is marked VER_FLG_WEAK: the loader tolerates its absence.</summary>
        Weak,
    }

    /// <summary>ELF version-need inspection and the weakening patch.</summary>
    public static class ElfVersionNeeds
    {
        /// <summary>The version TorchSharp 0.107's native library asks of libstdc++.</summary>
        public const string LibTorchSharpNeed = "GLIBCXX_3.4.32";

        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Reads the state of <paramref name="version"/> among the library's version needs.</summary>
        public static VersionNeedState Read(string path, string version)
        {
            var elf = File.ReadAllBytes(path);
            var flagsOffset = FindNeedFlags(elf, version, path);
            if (flagsOffset < 0) return VersionNeedState.Absent;
            return (U16(elf, flagsOffset) & VerFlgWeak) != 0 ? VersionNeedState.Weak : VersionNeedState.Required;
        }

        /// <summary>
        /// Marks the need WEAK. Returns true when the file changed, false when there was nothing to do.
        /// The file is replaced, never written in place, so a hard link (e.g. into a package cache) is not altered.
        /// </summary>
        public static bool MarkWeak(string path, string version)
        {
            var elf = File.ReadAllBytes(path);
            var flagsOffset = FindNeedFlags(elf, version, path);
            if (flagsOffset < 0) return false;
            var flags = U16(elf, flagsOffset);
            if ((flags & VerFlgWeak) != 0) return false;
            flags |= VerFlgWeak;
            elf[flagsOffset] = (byte)flags;
            elf[flagsOffset + 1] = (byte)(flags >> 8);
            var temp = path + ".weak-patch.tmp";
            File.WriteAllBytes(temp, elf);
            File.Delete(path);
            File.Move(temp, path);
            return true;
        }

        /// <summary>Whether a library defines the version (its name appears as a NUL-terminated string).</summary>
        public static bool Defines(string libraryPath, string version)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            for (var i = 0; i + needle.Length <= bytes.Length; i++)
            {
                var j = 0;
                while (j < needle.Length && bytes[i + j] == needle[j]) j++;
                if (j == needle.Length && (i == 0 || bytes[i - 1] == 0)) return true;
            }
            return false;
        }

        /// <summary>
        /// The libstdc++ the system loader gives this process: the one already mapped (the .NET runtime
        /// links it), else the first found in the usual library folders; null off Linux or when none is found.
        /// </summary>
        public static string? SystemLibStdCxx()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return null;
            var mapped = MappedLibrary("libstdc++.so.6");
            if (mapped != null) return mapped;
            string[] folders = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib" };
            foreach (var folder in folders)
            {
                var candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        /// <summary>Path of a library mapped into this process whose file name starts with <paramref name="fileName"/>.</summary>
        public static string? MappedLibrary(string fileName)
        {
            const string maps = "/proc/self/maps";
            if (!File.Exists(maps)) return null;
            foreach (var line in File.ReadAllLines(maps))
            {
                var slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line.Substring(slash).Trim();
                if (Path.GetFileName(path).StartsWith(fileName, StringComparison.Ordinal)) return path;
            }
            return null;
        }

        // Offset of vna_flags of the Elf64_Vernaux entry naming the version, or -1.
        private static int FindNeedFlags(byte[] elf, string version, string path)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException(path + ": not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException(path + ": only 64-bit little-endian ELF is supported");

            var sectionTable = checked((int)U64(elf, 0x28));
            var entrySize = U16(elf, 0x3A);
            var count = U16(elf, 0x3C);
            for (var i = 0; i < count; i++)
            {
                var header = sectionTable + i * entrySize;
                if (U32(elf, header + 4) != ShtGnuVerneed) continue;
                var needs = checked((int)U64(elf, header + 24));
                var needCount = U32(elf, header + 44);
                var strings = sectionTable + checked((int)U32(elf, header + 40)) * entrySize;
                var stringsOffset = checked((int)U64(elf, strings + 24));

                var need = needs;
                for (var n = 0; n < needCount; n++)
                {
                    var auxCount = U16(elf, need + 2);
                    var aux = need + checked((int)U32(elf, need + 8));
                    for (var a = 0; a < auxCount; a++)
                    {
                        var name = CString(elf, stringsOffset + checked((int)U32(elf, aux + 8)));
                        if (name == version) return aux + 4;
                        aux += checked((int)U32(elf, aux + 12));
                    }
                    need += checked((int)U32(elf, need + 12));
                }
            }
            return -1;
        }

        private static ushort U16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);

        private static uint U32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

        private static ulong U64(byte[] b, int o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;

        private static string CString(byte[] b, int o)
        {
            var end = o;
            while (b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, o, end - o);
        }
    }

#if !ALPACAFARM_NO_MSBUILD
    /// <summary>MSBuild task: weakens the need in each given library, only where the system libstdc++ lacks it.</summary>
    public sealed class WeakenVersionNeed : Microsoft.Build.Utilities.Task
    {
        /// <summary>Candidate library copies in the build or publish output; missing files are skipped.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>The version to weaken.</summary>
        public string Version { get; set; } = ElfVersionNeeds.LibTorchSharpNeed;

        public override bool Execute()
        {
            var system = ElfVersionNeeds.SystemLibStdCxx();
            if (system == null) return true;
            if (ElfVersionNeeds.Defines(system, Version))
            {
                Log.LogMessage("System libstdc++ ({0}) provides {1}: no patch needed.", system, Version);
                return true;
            }
            foreach (var item in Libraries)
            {
                var path = item.GetMetadata("FullPath");
                if (!File.Exists(path)) continue;
                if (ElfVersionNeeds.MarkWeak(path, Version))
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        "Marked the {0} need of {1} WEAK ({2} lacks it).", Version, path, system);
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
