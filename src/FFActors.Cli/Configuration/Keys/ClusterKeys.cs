using FFActors.Cli.Configuration.Schema;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;
using FFActors.Runtime.Transport;

namespace FFActors.Cli.Configuration.Keys;

/// <summary><c>cluster { }</c> (hocon/cluster.conf): where this node listens, whom it joins, placement, transport, TLS.</summary>
public static class ClusterKeys
{
    const int Day = 86_400;

    public static readonly ConfigKey<string> Host = Key.Text("cluster.host", "127.0.0.1", "address to bind and advertise (--host)");
    public static readonly ConfigKey<int> Port = Key.Int("cluster.port", 0, 0, 65535, "TCP port; 0 = any free port (--port)");
    public static readonly ConfigKey<string[]> SeedNodes = Key.Texts("cluster.seed-nodes", "akka.tcp://ffactors@HOST:PORT of the seed nodes; empty = start a new cluster (--seed-nodes)");
    public static readonly ConfigKey<string> NodeName = Key.Text("cluster.node-name", "", "this layer host's name for explicit placement; \"\" = HOST:PORT (--node-name)");
    public static readonly ConfigKey<int> MinLayerHosts = Key.Int("cluster.min-layer-hosts", 1, 1, 1024, "training waits until this many layer hosts are Up");
    public static readonly ConfigKey<PlacementKind> Placement = Key.Choice("cluster.placement", PlacementKind.Contiguous,
        "how layers are spread over the layer hosts",
        ("contiguous", PlacementKind.Contiguous), ("round-robin", PlacementKind.RoundRobin), ("explicit", PlacementKind.Explicit));
    public static readonly ConfigKey<string[]> LayerNodes = Key.Texts("cluster.layer-nodes", "explicit placement: the node name of each layer's host, layer 0 first");
    public static readonly ConfigKey<WirePrecision> Precision = Key.Choice("cluster.wire-precision", WirePrecision.Float32,
        "activations on the wire: float32 is exact; float16 and bfloat16 halve the bytes and change the math",
        ("float32", WirePrecision.Float32), ("float16", WirePrecision.Float16), ("bfloat16", WirePrecision.BFloat16));
    public static readonly ConfigKey<long> MaximumFrameSize = Key.Long("cluster.maximum-frame-size", 0, 0, int.MaxValue,
        "transport frame and socket buffers, bytes; 0 = computed from the model and batch sizes");
    public static readonly ConfigKey<double> JoinTimeout = Key.Above("cluster.join-timeout", 120, 0, "seconds the coordinator waits for min-layer-hosts", max: Day);
    public static readonly ConfigKey<double> HeartbeatPause = Key.Number("cluster.heartbeat-pause", 10, 1, 3600, "seconds of heartbeat silence before a node is unreachable");
    public static readonly ConfigKey<double> StableAfter = Key.Number("cluster.stable-after", 5, 1, 3600, "seconds membership must be stable before unreachable nodes are downed");
    public static readonly ConfigKey<bool> DataPlaneEnabled = Key.Bool("cluster.data-plane.enabled", true, "large tensors travel on a direct TCP link; off = all through Akka.Remote");
    public static readonly ConfigKey<int> DataPlanePort = Key.Int("cluster.data-plane.port", 0, 0, 65535, "data-plane listener on cluster.host; 0 = any free port");
    public static readonly ConfigKey<long> DataPlaneThreshold = Key.Long("cluster.data-plane.threshold", 65536, 0, int.MaxValue, "bytes: smaller tensors stay inside their Akka message");
    public static readonly ConfigKey<double> DataPlaneExpiry = Key.Above("cluster.data-plane.expiry", 60, 0, "seconds a payload nobody fetched is kept", max: Day);
    public static readonly ConfigKey<double> DataPlaneFetchTimeout = Key.Above("cluster.data-plane.fetch-timeout", 30, 0, "seconds a receiver waits for a payload", max: 3600);
    public static readonly ConfigKey<bool> TlsEnabled = Key.Bool("cluster.tls.enabled", false, "mutual TLS on the remote transport and the data plane; must match on every node");
    public static readonly ConfigKey<string> CertificatePath = Key.Text("cluster.tls.certificate-path", "", "PKCS#12 (.pfx) file with this node's certificate and private key");
    public static readonly ConfigKey<string> CertificatePassword = Key.Text("cluster.tls.certificate-password", "", "password of the .pfx file");
    public static readonly ConfigKey<string[]> TrustedThumbprints = Key.Texts("cluster.tls.trusted-thumbprints",
        "SHA-1 thumbprints of accepted peer certificates; empty = only this node's own");

    public static IKeyGroup Group { get; } = new KeyGroup("cluster",
        [Host, Port, SeedNodes, NodeName, MinLayerHosts, Placement, LayerNodes, Precision, MaximumFrameSize, JoinTimeout, HeartbeatPause, StableAfter,
         DataPlaneEnabled, DataPlanePort, DataPlaneThreshold, DataPlaneExpiry, DataPlaneFetchTimeout, TlsEnabled, CertificatePath, CertificatePassword, TrustedThumbprints]);

    public static ClusterOptions Bind(ConfigReader r) => new(
        Host: r.Get(Host),
        Port: r.Get(Port),
        SeedNodes: r.Get(SeedNodes),
        NodeName: r.Get(NodeName),
        MinLayerHosts: r.Get(MinLayerHosts),
        Placement: r.Get(Placement),
        LayerNodes: r.Get(LayerNodes),
        Precision: r.Get(Precision),
        MaximumFrameSize: r.Get(MaximumFrameSize),
        JoinTimeoutSeconds: r.Get(JoinTimeout),
        HeartbeatPause: r.Get(HeartbeatPause),
        StableAfter: r.Get(StableAfter),
        Tls: new TlsOptions(r.Get(TlsEnabled), r.Get(CertificatePath), r.Get(CertificatePassword), r.Get(TrustedThumbprints)),
        DataPlane: new DataPlaneOptions(r.Get(DataPlaneEnabled), r.Get(DataPlanePort), r.Get(DataPlaneThreshold), r.Get(DataPlaneExpiry), r.Get(DataPlaneFetchTimeout)));
}
