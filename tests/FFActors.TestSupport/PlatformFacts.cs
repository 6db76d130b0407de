using System.Runtime.InteropServices;
using Xunit;

namespace FFActors.TestSupport;

/// <summary>A fact that reads Linux's /proc or ELF files: reported as skipped elsewhere, never passed silently.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "Linux only (reads /proc)";
    }
}

/// <summary>A fact about the Linux x64 build (TorchSharp's native libraries, the Debian libstdc++ fix): skipped elsewhere.</summary>
public sealed class LinuxX64FactAttribute : FactAttribute
{
    public LinuxX64FactAttribute()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64) Skip = "Linux x64 only";
    }
}

/// <summary>A fact that needs the repository's git metadata: skipped in an exported tree (a tarball, a copy without .git).</summary>
public sealed class GitCheckoutFactAttribute : FactAttribute
{
    public GitCheckoutFactAttribute()
    {
        if (!RepoPaths.InGitCheckout) Skip = "needs a git checkout (no .git above the tests)";
    }
}
