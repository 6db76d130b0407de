using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Platform;

/// <summary>Process-wide TorchSharp settings: intra-op threads and the training device.</summary>
public static class TorchSetup
{
    public static Device Configure(RunOptions run)
    {
        int threads = run.Threads > 0 ? run.Threads : Environment.ProcessorCount;
        set_num_threads(threads);
        return DeviceFor(run.Device);
    }

    public static Device DeviceFor(string name) => name switch
    {
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new ArgumentException("run.device: cuda is not available (this build uses TorchSharp-cpu; build with -p:TorchBackend=cuda on a CUDA host)"),
        _ => throw new ArgumentException($"run.device: unknown device '{name}' (expected cpu or cuda)"),
    };
}
