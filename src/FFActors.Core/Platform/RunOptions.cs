namespace FFActors.Core.Platform;

/// <param name="Device">cpu or cuda (cuda needs the TorchSharp-cuda-linux build).</param>
/// <param name="Threads">Intra-op threads for tensor work; 0 = all cores.</param>
/// <param name="ReleaseFreedMemory">After every epoch, the command that trains hands the native memory freed during it
/// back to the operating system (the libraries themselves never do).</param>
public sealed record RunOptions(
    long Seed = 1,
    string Device = "cpu",
    int Threads = 0,
    string OutDir = "runs",
    string Name = "",
    bool ReleaseFreedMemory = true);
