namespace FFActors.Runtime.Benchmark;

/// <param name="ActivationBytes">One TrainBatch of the widest layer's output (positive and negative) on the wire.</param>
/// <param name="SerializeGBps">Serializer throughput on that message (bytes out per second / 1e9).</param>
/// <param name="HopMilliseconds">One-way time of that message between two actor systems over loopback TCP (half a measured round trip), the way the pipeline sends it.</param>
/// <param name="AkkaHopMilliseconds">The same through Akka.Remote alone (data plane off).</param>
/// <param name="RemoteHopsPerBatch">Activation messages per training batch that cross nodes with this placement (coordinator → layer 0 included).</param>
/// <param name="WireFraction">RemoteHopsPerBatch × HopMilliseconds / the cluster's time per batch (capped at 1).</param>
/// <param name="Ratio">Cluster samples/s / local pipeline samples/s (each the median over the epochs after the first).</param>
public sealed record ClusterBenchmarkReport(
    int Cores, double? LoadBefore, double? LoadAfter, int[] Layers, int BatchSize, int Samples, int Epochs, int Hosts, string Placement,
    long ActivationBytes, double SerializeGBps, double DeserializeGBps, double HopMilliseconds, double AkkaHopMilliseconds, bool DataPlane,
    double LocalSamplesPerSecond, double ClusterSamplesPerSecond, double Ratio, int RemoteHopsPerBatch, double WireFraction);
