using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization;
using FFActors.Runtime.Transport;
using Akka.Actor.Setup;
using static TorchSharp.torch;

namespace FFActors.Benchmarks;

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

/// <summary>One layer-host process the cluster benchmark needs, as the caller starts it (the CLI: <c>ffactors node --role layer-host</c>).</summary>
/// <param name="Port">Its cluster port; 0 = any free port.</param>
/// <param name="NodeName">Its node name (cluster.node-name).</param>
/// <param name="SeedNode">The seed node it joins (the first host is its own seed).</param>
/// <param name="MaximumFrameSize">cluster.maximum-frame-size: the same on every member.</param>
/// <param name="Precision">cluster.wire-precision.</param>
/// <param name="DataPlane">cluster.data-plane.enabled.</param>
public sealed record LayerHostLaunch(int Port, string NodeName, string SeedNode, long MaximumFrameSize, WirePrecision Precision, bool DataPlane);

/// <summary>
/// The cluster's costs on this machine: serializer throughput, the per-hop latency of an activation
/// message over loopback TCP, and the samples/s of a pipeline whose layers run in separate layer-host
/// processes against the same pipeline in one process.
/// </summary>
public static class ClusterBenchmark
{
    /// <param name="startHost">Starts one layer-host process as described (the caller knows how its hosts are launched).</param>
    public static ClusterBenchmarkReport Run(ClusterBenchmarkOptions o, Func<LayerHostLaunch, Process> startHost, Action<string>? say = null)
    {
        say ??= _ => { };
        double? loadBefore = CpuAccounting.LoadAverage();
        var layers = o.LayersOrDefault;
        var config = new FFConfig(new RunOptions(Seed: o.Seed),
            new DataOptions(Dir: o.DataDir, TrainLimit: o.Samples, TestLimit: 100),
            new ModelOptions(layers),
            new TrainOptions(Schedule.Simultaneous, Math.Max(2, o.Epochs), o.BatchSize),
            new EvalOptions(HeadEpochs: 0));
        long frame = FrameBudget.FrameFor(config, o.Samples);
        int maxWidth = layers.Max();

        say("serializer throughput…");
        var (bytes, ser, deser) = SerializerThroughput(o.BatchSize, maxWidth, o.Precision);
        say($"  {bytes:N0}-byte activation message: serialize {ser:F2} GB/s, deserialize {deser:F2} GB/s");
        say("per-hop latency over loopback TCP…");
        double akkaHop = HopMilliseconds(o.BatchSize, maxWidth, frame, o.Precision, dataPlane: false);
        double planeHop = HopMilliseconds(o.BatchSize, maxWidth, frame, o.Precision, dataPlane: true);
        say($"  {akkaHop:F2} ms one way through Akka.Remote, {planeHop:F2} ms through the data plane");
        double hop = o.DataPlane ? planeHop : akkaHop;

        using var data = DatasetLoader.Load(config.Data, CPU);
        var runtime = new RuntimeOptions(ExecutionMode.Pipeline, 3, ThreadsPerLayer: 0, Checkpoints: false);
        say("local pipeline…");
        var localEpochs = new EpochRates();
        PipelineRunner.Train(config, runtime, data, null, false, localEpochs, CancellationToken.None).Network.Dispose();
        double localRate = localEpochs.SteadyRate;
        say($"  {localRate:F0} samples/s (median of epochs 2–{config.Train.Epochs}; epoch 1 {localEpochs.Rates[0]:F0})");

        say($"pipeline over {o.Hosts} layer-host processes…");
        int seedPort = FreePort();
        string seed = $"akka.tcp://{ClusterOptions.SystemName}@127.0.0.1:{seedPort}";
        var hosts = new List<Process>();
        try
        {
            for (int h = 0; h < o.Hosts; h++)
                hosts.Add(startHost(new LayerHostLaunch(h == 0 ? seedPort : 0, $"h{h}", seed, frame, o.Precision, o.DataPlane)));
            var options = new ClusterOptions(SeedNodes: [seed], MinLayerHosts: o.Hosts, MaximumFrameSize: frame, Precision: o.Precision, JoinTimeoutSeconds: 60,
                Placement: o.Placement, DataPlane: new DataPlaneOptions(Enabled: o.DataPlane));
            string placement = "";
            var clusterEpochs = new EpochRates();
            ClusterRunner.Train(config, runtime, data, null, false, clusterEpochs, CancellationToken.None, options,
                say: line => { if (line.StartsWith("placement:")) placement = line["placement: ".Length..]; }).Network.Dispose();
            double clusterRate = clusterEpochs.SteadyRate;
            say($"  {clusterRate:F0} samples/s (median of epochs 2–{config.Train.Epochs}; epoch 1 {clusterEpochs.Rates[0]:F0}; {placement})");
            // Coordinator → layer 0 always crosses; layer ℓ → ℓ+1 crosses when they sit on different hosts.
            var hostOf = LayerPlacement.Plan(config.Model.LayerCount, o.Hosts, o.Placement == PlacementKind.Contiguous ? config.Model.LayerWork() : null);
            int hops = 1 + Enumerable.Range(1, hostOf.Length - 1).Count(l => hostOf[l] != hostOf[l - 1]);
            int batches = (data.Train.Count + o.BatchSize - 1) / o.BatchSize;
            double stepMs = data.Train.Count / clusterRate * 1000 / batches;
            double wire = Math.Min(1, hops * hop / stepMs);
            return new ClusterBenchmarkReport(Environment.ProcessorCount, loadBefore, CpuAccounting.LoadAverage(), layers, o.BatchSize, data.Train.Count,
                config.Train.Epochs, o.Hosts, placement, bytes, ser, deser, hop, akkaHop, o.DataPlane, localRate, clusterRate, clusterRate / localRate, hops, wire);
        }
        finally
        {
            foreach (var p in hosts)
            {
                try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit(10_000);
                p.Dispose();
            }
        }
    }

    /// <summary>Samples/s of each epoch; the steady rate leaves out the first (warm-up) epoch.</summary>
    sealed class EpochRates : ITrainingObserver
    {
        public readonly List<double> Rates = [];
        public void EpochCompleted(EpochMetrics metrics) => Rates.Add(metrics.SamplesPerSecond);
        public double SteadyRate => Median.Of(Rates.Skip(1));
    }

    static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        int port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    static TrainBatch Activation(Tensor x) => new(new Stamp("bench", 1, 0, 0), x.clone(), x.clone(), null, null);

    static (long Bytes, double Serialize, double Deserialize) SerializerThroughput(int batch, int width, WirePrecision precision)
    {
        using var system = ActorSystem.Create("bench", WireConfig.Config(precision));
        var serializer = (WireSerializer)system.Serialization.FindSerializerForType(typeof(TrainBatch));
        using var x = randn(batch, width);
        const int rounds = 20;
        var messages = Enumerable.Range(0, rounds + 3).Select(_ => Activation(x)).ToArray();
        byte[] bytes = [];
        // Per-message times, warm-up excluded; the median resists the other jobs on a shared machine.
        var serSeconds = new List<double>();
        for (int i = 0; i < messages.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            bytes = serializer.ToBinary(messages[i]);
            if (i >= 3) serSeconds.Add(clock.Elapsed.TotalSeconds);
        }
        var deserSeconds = new List<double>();
        for (int i = 0; i < rounds + 3; i++)
        {
            var clock = Stopwatch.StartNew();
            ((IDisposable)serializer.FromBinary(bytes, "TB")).Dispose();
            if (i >= 3) deserSeconds.Add(clock.Elapsed.TotalSeconds);
        }
        return (bytes.Length, bytes.Length / Median.Of(serSeconds) / 1e9, bytes.Length / Median.Of(deserSeconds) / 1e9);
    }

    sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<TrainBatch>(m => Sender.Tell(m));
    }

    static double HopMilliseconds(int batch, int width, long frame, WirePrecision precision, bool dataPlane)
    {
        var remote = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.loglevel = ERROR
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, maximum-frame-size = {{frame}}b, send-buffer-size = {{frame}}b, receive-buffer-size = {{frame}}b }
            """).WithFallback(WireConfig.Config(precision));
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(remote))
            .And(new DataPlaneSetup("127.0.0.1", new DataPlaneOptions(Enabled: dataPlane)));
        using var a = ActorSystem.Create(ClusterOptions.SystemName, setup);
        using var b = ActorSystem.Create(ClusterOptions.SystemName, setup);
        b.ActorOf(Props.Create(() => new Echo()), "echo");
        var address = ((ExtendedActorSystem)b).Provider.DefaultAddress;
        var echo = a.ActorSelection(new RootActorPath(address) / "user" / "echo").ResolveOne(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        using var x = randn(batch, width);
        const int rounds = 20;
        var roundTrips = new List<double>();
        for (int i = 0; i < rounds + 3; i++)
        {
            var clock = Stopwatch.StartNew();
            using var back = echo.Ask<TrainBatch>(Activation(x), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            if (i >= 3) roundTrips.Add(clock.Elapsed.TotalMilliseconds);
        }
        a.Terminate().Wait(TimeSpan.FromSeconds(10));
        b.Terminate().Wait(TimeSpan.FromSeconds(10));
        return Median.Of(roundTrips) / 2;
    }

    public static string Format(ClusterBenchmarkReport r) =>
        $"""
        cluster benchmark: layers [{string.Join(", ", r.Layers)}], batch {r.BatchSize}, {r.Samples} samples × {r.Epochs} epochs (the first not timed), {r.Hosts} layer-host processes on loopback, {r.Cores} cores, load {r.LoadBefore:F2} → {r.LoadAfter:F2}
          activation message      {r.ActivationBytes:N0} bytes
          serialize               {r.SerializeGBps:F2} GB/s
          deserialize             {r.DeserializeGBps:F2} GB/s
          per-hop latency         {r.HopMilliseconds:F2} ms (one way, loopback TCP, {(r.DataPlane ? "data plane" : "Akka.Remote")}; Akka.Remote alone {r.AkkaHopMilliseconds:F2} ms)
          local pipeline          {r.LocalSamplesPerSecond:F0} samples/s
          {r.Hosts}-host pipeline        {r.ClusterSamplesPerSecond:F0} samples/s ({r.Ratio:P0} of local; placement {r.Placement})
          on the wire             {r.WireFraction:P0} of step time ({r.RemoteHopsPerBatch} remote activation hops per batch)
        """;
}
