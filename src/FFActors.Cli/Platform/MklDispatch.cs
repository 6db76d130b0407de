using System.Runtime.InteropServices;
using TorchSharp;

namespace FFActors.Cli.Platform;

/// <summary>
/// Makes oneMKL, the BLAS inside TorchSharp-cpu's libtorch, choose its GEMM kernels on AMD processors the way it does on
/// Intel ones: by the CPU's features. Opt-in only (<see cref="ProcessTuning"/>); docs/platform.md has what it costs and buys.
/// </summary>
/// <remarks>
/// oneMKL asks one exported function of libtorch_cpu.so, <c>mkl_serv_intel_cpu_true</c>, whether the CPU is Intel's, and
/// on any other vendor's it leaves some of its kernels unused. <see cref="Apply"/> overwrites the function's first
/// instructions with <c>return 1</c>; it must run before the process's first GEMM, since oneMKL caches its choice. The
/// kernels oneMKL then picks still check the CPU's feature flags (no AVX-512 kernel on a CPU without AVX-512); results
/// differ from the vendor path's in the last bits (another blocking, another summation order), so a run with it and one
/// without it end with different weights.
/// </remarks>
public static class MklDispatch
{
    const string Symbol = "mkl_serv_intel_cpu_true";
    const string Library = "libtorch_cpu.so";
    static readonly byte[] ReturnOne = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3]; // mov eax, 1; ret
    const int ProtRead = 1, ProtWrite = 2, ProtExec = 4;
    static readonly Lock gate = new();

    delegate int IntelCpuTrue();

    /// <summary>What oneMKL's dispatch is in this process, for run logs and bench headers.</summary>
    public static string Status { get; private set; } = "vendor dispatch";

    /// <summary>True when oneMKL answers "Intel" on this process's non-Intel CPU because of <see cref="Apply"/>.</summary>
    public static bool Patched { get; private set; }

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    static extern int Mprotect(IntPtr address, nuint length, int protection);

    /// <summary>
    /// Patches oneMKL's vendor check on Linux x64 with an AMD CPU and checks that it answers 1; idempotent. Anywhere else
    /// it leaves oneMKL alone and says why in <see cref="Status"/>.
    /// </summary>
    public static void Apply()
    {
        lock (gate)
        {
            if (Patched) return;
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                Status = "vendor dispatch (not Linux x64)";
                return;
            }
            string vendor = CpuVendor();
            if (vendor != "AuthenticAMD")
            {
                Status = $"vendor dispatch ({(vendor.Length == 0 ? "unknown CPU vendor" : vendor)}: nothing to patch)";
                return;
            }
            torch.InitializeDeviceType(DeviceType.CPU);
            if (Function() is not { } function)
                return;
            if (!Matches(function))
            {
                long page = Environment.SystemPageSize;
                var start = (IntPtr)((long)function & ~(page - 1));
                // Two pages in case the six bytes straddle a page boundary.
                var length = (nuint)(2 * page);
                if (Mprotect(start, length, ProtRead | ProtWrite | ProtExec) != 0)
                {
                    Status = $"vendor dispatch (mprotect failed, errno {Marshal.GetLastPInvokeError()})";
                    return;
                }
                Marshal.Copy(ReturnOne, 0, function, ReturnOne.Length);
                Mprotect(start, length, ProtRead | ProtExec);
            }
            int answer = Marshal.GetDelegateForFunctionPointer<IntelCpuTrue>(function)();
            Patched = answer == 1;
            Status = Patched ? $"Intel code paths on {vendor} ({Symbol} patched)" : $"vendor dispatch ({Symbol} answers {answer} after the patch)";
        }
    }

    /// <summary>The address of oneMKL's vendor check in the mapped libtorch, or null (and <see cref="Status"/> says why).</summary>
    static IntPtr? Function()
    {
        string? path = MappedPath(Library);
        if (path is null)
        {
            Status = $"vendor dispatch ({Library} not mapped)";
            return null;
        }
        if (!NativeLibrary.TryGetExport(NativeLibrary.Load(path), Symbol, out var function))
        {
            Status = $"vendor dispatch ({Symbol} not exported by {path})";
            return null;
        }
        return function;
    }

    static bool Matches(IntPtr function)
    {
        var current = new byte[ReturnOne.Length];
        Marshal.Copy(function, current, 0, current.Length);
        return current.AsSpan().SequenceEqual(ReturnOne);
    }

    static string CpuVendor()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("vendor_id", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return "";
    }

    static string? MappedPath(string library)
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && line.EndsWith("/" + library, StringComparison.Ordinal)) return line[slash..];
        }
        return null;
    }
}
