using FFActors.Runtime.Serialization;
using FFActors.Runtime.Transport;

namespace FFActors.Runtime.Cluster;

/// <summary>Settings of a cluster member, bound from HOCON <c>cluster { ... }</c> (hocon/cluster.conf).</summary>
/// <param name="Host">Address to bind to (loopback unless told otherwise).</param>
/// <param name="Port">TCP port; 0 = any free port.</param>
/// <param name="SeedNodes">akka.tcp://ffactors@host:port of the seed nodes; empty = this node starts the cluster.</param>
/// <param name="NodeName">This layer host's name (explicit placement refers to it); empty = host:port.</param>
/// <param name="MinLayerHosts">Layer hosts that must be Up before training starts.</param>
/// <param name="MaximumFrameSize">Transport frame in bytes; 0 = computed from the model and batch sizes (<see cref="FrameBudget"/>).</param>
/// <param name="HeartbeatPause">Acceptable heartbeat pause of the failure detector: large batches must not look like a dead node.</param>
/// <param name="StableAfter">Split-brain resolver: how long membership must be stable before unreachable nodes are downed.</param>
/// <param name="DataPlane">The direct links that carry activations beside Akka.Remote; null = the defaults (on).</param>
public sealed record ClusterOptions(
    string Host = "127.0.0.1",
    int Port = 0,
    IReadOnlyList<string>? SeedNodes = null,
    string NodeName = "",
    int MinLayerHosts = 1,
    PlacementKind Placement = PlacementKind.Contiguous,
    IReadOnlyList<string>? LayerNodes = null,
    WirePrecision Precision = WirePrecision.Float32,
    long MaximumFrameSize = 0,
    double JoinTimeoutSeconds = 120,
    double HeartbeatPause = 10,
    double StableAfter = 5,
    TlsOptions? Tls = null,
    DataPlaneOptions? DataPlane = null)
{
    public const string SystemName = "ffactors";
    public const string LayerHostRole = "layer-host";
    public const string CoordinatorRole = "coordinator";
    public const string LayerHostActorName = "layer-host";

    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"cluster.port: {Port} is not a TCP port");
        if (MinLayerHosts < 1) throw new ArgumentException($"cluster.min-layer-hosts: {MinLayerHosts} must be at least 1");
        if (MaximumFrameSize is < 0 or > int.MaxValue) throw new ArgumentException($"cluster.maximum-frame-size: {MaximumFrameSize} must be 0 (auto) or a size up to 2 GiB");
        if (Placement == PlacementKind.Explicit && (LayerNodes is null || LayerNodes.Count == 0))
            throw new ArgumentException("cluster.layer-nodes: explicit placement needs a node name per layer");
        // With TLS the transport's protocol is akka.ssl.tcp.
        string scheme = Tls is { Enabled: true } ? "akka.ssl.tcp" : "akka.tcp";
        foreach (var seed in SeedNodes ?? [])
            if (!seed.StartsWith($"{scheme}://{SystemName}@", StringComparison.Ordinal))
                throw new ArgumentException($"cluster.seed-nodes: '{seed}' is not {scheme}://{SystemName}@HOST:PORT");
        DataPlane?.Validate();
        if (Tls is { Enabled: true } && !File.Exists(Tls.CertificatePath))
            throw new ArgumentException($"cluster.tls.certificate-path: '{Tls.CertificatePath}' not found");
    }
}

/// <summary>How layers are assigned to layer hosts.</summary>
public enum PlacementKind
{
    /// <summary>Runs of adjacent layers per host (layer 0 on the first host by node name), balanced by work: the fewest network hops.</summary>
    Contiguous,
    /// <summary>Layer ℓ on host ℓ mod H, hosts ordered by node name.</summary>
    RoundRobin,
    /// <summary>Layer ℓ on the host whose node name is <c>LayerNodes[ℓ]</c>.</summary>
    Explicit,
}
