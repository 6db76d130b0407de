using System.Runtime.InteropServices;

namespace FFActors.Cli.Report;

/// <summary>What a result was measured on: wall times mean little without the CPU and core count.</summary>
/// <param name="MatmulGflops">Measured rate of a square fp32 matmul (ffactors bench), when the measuring command knows it.</param>
public sealed record MachineFacts(string Cpu, int Cores, string Os, string Runtime, double? MatmulGflops = null)
{
    public static MachineFacts Current(double? matmulGflops = null) =>
        new(CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, matmulGflops);

    /// <summary>The first "model name" of /proc/cpuinfo (Linux); the architecture elsewhere.</summary>
    static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            foreach (var line in File.ReadLines(cpuinfo))
            {
                if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0) return line[(colon + 1)..].Trim();
            }
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
