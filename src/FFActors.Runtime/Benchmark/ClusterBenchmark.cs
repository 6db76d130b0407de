using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Actors;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Protocol;
using FFActors.Runtime.Serialization;
using static TorchSharp.torch;

namespace FFActors.Runtime.Benchmark;

/// <param name="Layers">Layer sizes, input first.</param>
/// <param name="BatchSize">Samples per batch (the target is stated for ≥ 500).</param>
/// <param name="Samples">Training samples per timed epoch (the first N of MNIST).</param>
/// <param name="Hosts">Layer-host processes.</param>
/// <param name="Placement">How the layers are spread over the hosts (cluster.placement).</param>
public sealed record ClusterBenchmarkOptions(
    int[]? Layers = null,
    int BatchSize = 500,
    int Samples = 10000,
    int Hosts = 2,
    string DataDir = "samples/data",
    WirePrecision Precision = WirePrecision.Float32,
    long Seed = 1,
    PlacementKind Placement = PlacementKind.Contiguous)
{
    public int[] LayersOrDefault => Layers ?? [784, 1000, 1000, 1000];
}

/// <param name="ActivationBytes">One TrainBatch of the widest layer's output (positive and negative) on the wire.</param>
/// <param name="SerializeGBps">Serializer throughput on that message (bytes out per second / 1e9).</param>
/// <param name="HopMilliseconds">One-way time of that message between two actor systems over loopback TCP (half a measured round trip).</param>
/// <param name="RemoteHopsPerBatch">Activation messages per training batch that cross nodes with this placement (coordinator → layer 0 included).</param>
/// <param name="WireFraction">RemoteHopsPerBatch × HopMilliseconds / the cluster's time per batch (capped at 1).</param>
/// <param name="Ratio">Cluster samples/s / local pipeline samples/s.</param>
public sealed record ClusterBenchmarkReport(
    int Cores, double? LoadBefore, double? LoadAfter, int[] Layers, int BatchSize, int Samples, int Hosts, string Placement,
    long ActivationBytes, double SerializeGBps, double DeserializeGBps, double HopMilliseconds,
    double LocalSamplesPerSecond, double ClusterSamplesPerSecond, double Ratio, int RemoteHopsPerBatch, double WireFraction);

/// <summary>
/// The cluster's costs on this machine: serializer throughput, the per-hop latency of an activation
/// message over loopback TCP, and the samples/s of a pipeline whose layers run in separate layer-host
/// processes against the same pipeline in one process.
/// </summary>
public static class ClusterBenchmark
{
    /// <param name="startHost">Starts one layer-host process with the given extra arguments (the CLI knows its own executable).</param>
    public static ClusterBenchmarkReport Run(ClusterBenchmarkOptions o, Func<IReadOnlyList<string>, Process> startHost, Action<string>? say = null)
    {
        say ??= _ => { };
        double? loadBefore = PipelineBenchmark.LoadAverage();
        var layers = o.LayersOrDefault;
        var config = new FFConfig(new RunOptions(Seed: o.Seed),
            new DataOptions(Dir: o.DataDir, TrainLimit: o.Samples, TestLimit: 100),
            new ModelOptions(layers),
            new TrainOptions(Schedule.Simultaneous, 1, o.BatchSize),
            new EvalOptions(HeadEpochs: 0));
        long frame = FrameBudget.FrameFor(config, o.Samples);
        int maxWidth = layers.Max();

        say("serializer throughput…");
        var (bytes, ser, deser) = SerializerThroughput(o.BatchSize, maxWidth, o.Precision);
        say($"  {bytes:N0}-byte activation message: serialize {ser:F2} GB/s, deserialize {deser:F2} GB/s");
        say("per-hop latency over loopback TCP…");
        double hop = HopMilliseconds(o.BatchSize, maxWidth, frame, o.Precision);
        say($"  {hop:F2} ms one way");

        using var data = DatasetLoader.Load(config.Data, CPU);
        var runtime = new RuntimeOptions(ExecutionMode.Pipeline, 3, ThreadsPerLayer: 0, Checkpoints: false);
        say("local pipeline…");
        var local = PipelineRunner.Run(config, runtime, data, null, false, null, CancellationToken.None, null);
        local.Result.Network.Dispose();
        double localRate = data.Train.Count / local.TrainSeconds;
        say($"  {localRate:F0} samples/s");

        say($"pipeline over {o.Hosts} layer-host processes…");
        int seedPort = FreePort();
        string seed = $"akka.tcp://{ClusterOptions.SystemName}@127.0.0.1:{seedPort}";
        var hosts = new List<Process>();
        try
        {
            for (int h = 0; h < o.Hosts; h++)
                hosts.Add(startHost(["--port", (h == 0 ? seedPort : 0).ToString(), "--node-name", $"h{h}", "--seed-nodes", seed,
                    "--set", $"cluster.maximum-frame-size={frame}", "--set", $"cluster.wire-precision={WireConfig.Name(o.Precision)}"]));
            var options = new ClusterOptions(SeedNodes: [seed], MinLayerHosts: o.Hosts, MaximumFrameSize: frame, Precision: o.Precision, JoinTimeoutSeconds: 60, Placement: o.Placement);
            string placement = "";
            var remote = ClusterRunner.Run(config, runtime, data, null, false, null, CancellationToken.None, options,
                say: line => { if (line.StartsWith("placement:")) placement = line["placement: ".Length..]; });
            remote.Result.Network.Dispose();
            double clusterRate = data.Train.Count / remote.TrainSeconds;
            say($"  {clusterRate:F0} samples/s ({placement})");
            // Coordinator → layer 0 always crosses; layer ℓ → ℓ+1 crosses when they sit on different hosts.
            var hostOf = LayerPlacement.Plan(config.Model.LayerCount, o.Hosts, o.Placement == PlacementKind.Contiguous ? config.Model.LayerWork() : null);
            int hops = 1 + Enumerable.Range(1, hostOf.Length - 1).Count(l => hostOf[l] != hostOf[l - 1]);
            int batches = (data.Train.Count + o.BatchSize - 1) / o.BatchSize;
            double stepMs = remote.TrainSeconds * 1000 / batches;
            double wire = Math.Min(1, hops * hop / stepMs);
            return new ClusterBenchmarkReport(Environment.ProcessorCount, loadBefore, PipelineBenchmark.LoadAverage(), layers, o.BatchSize, data.Train.Count,
                o.Hosts, placement, bytes, ser, deser, hop, localRate, clusterRate, clusterRate / localRate, hops, wire);
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
        return (bytes.Length, bytes.Length / Median(serSeconds) / 1e9, bytes.Length / Median(deserSeconds) / 1e9);
    }

    sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<TrainBatch>(m => Sender.Tell(m));
    }

    static double HopMilliseconds(int batch, int width, long frame, WirePrecision precision)
    {
        var remote = ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.loglevel = ERROR
            akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, maximum-frame-size = {{frame}}b, send-buffer-size = {{frame}}b, receive-buffer-size = {{frame}}b }
            """).WithFallback(WireConfig.Config(precision));
        using var a = ActorSystem.Create(ClusterOptions.SystemName, remote);
        using var b = ActorSystem.Create(ClusterOptions.SystemName, remote);
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
        return Median(roundTrips) / 2;
    }

    static double Median(List<double> xs)
    {
        xs.Sort();
        int n = xs.Count;
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }

    public static string Format(ClusterBenchmarkReport r) =>
        $"""
        cluster benchmark: layers [{string.Join(", ", r.Layers)}], batch {r.BatchSize}, {r.Samples} samples, {r.Hosts} layer-host processes on loopback, {r.Cores} cores, load {r.LoadBefore:F2} → {r.LoadAfter:F2}
          activation message      {r.ActivationBytes:N0} bytes
          serialize               {r.SerializeGBps:F2} GB/s
          deserialize             {r.DeserializeGBps:F2} GB/s
          per-hop latency         {r.HopMilliseconds:F2} ms (one way, loopback TCP)
          local pipeline          {r.LocalSamplesPerSecond:F0} samples/s
          {r.Hosts}-host pipeline        {r.ClusterSamplesPerSecond:F0} samples/s ({r.Ratio:P0} of local; placement {r.Placement})
          on the wire             {r.WireFraction:P0} of step time ({r.RemoteHopsPerBatch} remote activation hops per batch)
        """;
}
