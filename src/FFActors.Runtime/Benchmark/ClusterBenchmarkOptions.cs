using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;

namespace FFActors.Runtime.Benchmark;

/// <param name="Layers">Layer sizes, input first.</param>
/// <param name="BatchSize">Samples per batch (the target is stated for ≥ 500).</param>
/// <param name="Samples">Training samples per epoch (the first N of MNIST).</param>
/// <param name="Epochs">Epochs per pipeline; the first warms up (JIT, libtorch and the links of fresh processes) and the rest are timed: their median.</param>
/// <param name="Hosts">Layer-host processes.</param>
/// <param name="Placement">How the layers are spread over the hosts (cluster.placement).</param>
/// <param name="DataPlane">Activations of the 2-host pipeline through the data plane (cluster.data-plane.enabled) or through Akka.Remote.</param>
public sealed record ClusterBenchmarkOptions(
    int[]? Layers = null,
    int BatchSize = 500,
    int Samples = 10000,
    int Hosts = 2,
    string DataDir = "samples/data",
    WirePrecision Precision = WirePrecision.Float32,
    long Seed = 1,
    PlacementKind Placement = PlacementKind.Contiguous,
    bool DataPlane = true,
    int Epochs = 3)
{
    public int[] LayersOrDefault => Layers ?? [784, 1000, 1000, 1000];
}
