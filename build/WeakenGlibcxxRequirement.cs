// MSBuild task (compiled by RoslynCodeTaskFactory from build/TorchSharpOnDebian.targets).
//
// TorchSharp-cpu 0.107.0 ships libLibTorchSharp.so built against GCC 13: its .gnu.version_r
// section requires GLIBCXX_3.4.32 from libstdc++.so.6. Debian 12 ships GCC 12 (up to 3.4.30),
// so the dynamic loader refuses the library. The only symbol bound to that version is
// _ZSt21ios_base_library_initv and no relocation uses it, so marking the requirement WEAK
// (VER_FLG_WEAK = 0x2 in vna_flags) lets the loader accept the library without changing code.
//
// The task patches copies that the build owns (bin/ and publish/ outputs), never the NuGet
// cache, writes through a temp file + rename, and does nothing when the machine's libstdc++
// already provides the version or the requirement is already weak.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
{
    const ushort VerFlgWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
    public string Version { get; set; } = "GLIBCXX_3.4.32";
    /// <summary>Patch even when the system libstdc++ has the version (used by tests).</summary>
    public bool Force { get; set; }

    public override bool Execute()
    {
        if (!Force && SystemLibstdcxxHas(Version))
        {
            Log.LogMessage(MessageImportance.Low, $"libstdc++ provides {Version}; LibTorchSharp left as shipped.");
            return true;
        }
        foreach (var item in Libraries)
        {
            var path = item.ItemSpec;
            try
            {
                var bytes = File.ReadAllBytes(path);
                var result = Weaken(bytes, Version);
                if (result == 1)
                {
                    var tmp = path + ".weak.tmp";
                    File.WriteAllBytes(tmp, bytes);
                    if (File.Exists(path)) File.Delete(path);
                    File.Move(tmp, path);
                    Log.LogMessage(MessageImportance.High, $"FFActors: marked {Version} weak in {path} (Debian 12 libstdc++ fix).");
                }
                else if (result == -1)
                {
                    Log.LogMessage(MessageImportance.Low, $"{path} does not require {Version}.");
                }
            }
            catch (Exception e)
            {
                Log.LogError($"FFActors: cannot patch {path}: {e.Message}");
                return false;
            }
        }
        return !Log.HasLoggedErrors;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/usr/lib/aarch64-linux-gnu" };
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var d in dirs)
        {
            var p = Path.Combine(d, "libstdc++.so.6");
            if (!File.Exists(p)) continue;
            return IndexOf(File.ReadAllBytes(p), needle) >= 0;
        }
        return false;
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && hay[i + k] == needle[k]) k++;
            if (k == needle.Length) return i;
        }
        return -1;
    }

    /// <summary>Returns 1 if patched, 0 if already weak, -1 if the requirement is absent.</summary>
    public static int Weaken(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");
        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));
            int vn = offset;
            while (true)
            {
                int cnt = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    int end = Array.IndexOf(elf, (byte)0, name);
                    if (Encoding.ASCII.GetString(elf, name, end - name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) != 0) return 0;
                        ushort weak = (ushort)(flags | VerFlgWeak);
                        elf[aux + 4] = (byte)(weak & 0xff);
                        elf[aux + 5] = (byte)(weak >> 8);
                        return 1;
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, vn + 12);
                if (next == 0) break;
                vn += (int)next;
            }
        }
        return -1;
    }
}
