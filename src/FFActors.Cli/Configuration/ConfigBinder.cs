using System.Globalization;
using Akka.Configuration;
using FFActors.Core;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;
using FFActors.Runtime.Serialization;
using FFActors.Runtime.Transport;

namespace FFActors.Cli.Configuration;

/// <summary>Turns a HOCON tree (already merged with the reference) into typed options, naming the key on any bad value.</summary>
public sealed class ConfigBinder(LoadedConfig loaded)
{
    readonly Config config = loaded.Hocon;

    /// <summary>The typed configuration, with the negative strategy checked against the rest of it.</summary>
    public FFConfig Bind()
    {
        var config = BindValues();
        try
        {
            NegativeSetup.Of(config);
        }
        catch (ArgumentException e)
        {
            // NegativeSetup names the key first ("key: problem" or "key = value: problem"); a strategy's
            // constructor names only the strategy ("adversarial: epsilon must be > 0 (Parameter ...)").
            var message = e is ArgumentOutOfRangeException ? e.Message.Split(" (Parameter")[0] : e.Message;
            var key = message.Split([':', ' '], 2)[0];
            if (!key.Contains('.'))
            {
                key = "train.negatives";
                message = $"train.negative-options: {message}";
            }
            // Name where the user set it; a parameter problem reported under train.negatives may come from an option.
            var origin = loaded.Origins.ContainsKey(key) ? loaded.OriginOf(key)
                : loaded.Origins.Where(o => o.Key.StartsWith("train.negative", StringComparison.Ordinal)).Select(o => o.Value).LastOrDefault()
                  ?? loaded.OriginOf(key);
            throw new ConfigException($"{origin}: {message}");
        }
        return config;
    }

    FFConfig BindValues() => new(
        new RunOptions(
            Seed: Long("run.seed"),
            Device: OneOf("run.device", "cpu", "cuda"),
            Threads: Int("run.threads", min: 0),
            OutDir: String("run.out-dir"),
            Name: String("run.name")),
        new DataOptions(
            Dataset: OneOf("data.dataset", DatasetInfo.All.Select(d => d.Name).ToArray()),
            Dir: String("data.dir"),
            Normalization: Enum("data.normalization", ("none", Normalization.None), ("unit", Normalization.Unit), ("mean-std", Normalization.MeanStd), ("symmetric", Normalization.Symmetric)),
            Validation: Int("data.validation", min: 0),
            TrainLimit: Int("data.train-limit", min: 0),
            TestLimit: Int("data.test-limit", min: 0),
            Augment: new AugmentOptions(
                Shift: Int("data.augment.shift", min: 0),
                Flip: Bool("data.augment.flip"),
                Rotate: Double("data.augment.rotate", min: 0, max: 180),
                Scale: Double("data.augment.scale", min: 0, max: 0.99))),
        new ModelOptions(
            Layers: Layers("model.layers"),
            InputNorm: Enum("model.input-norm", ("l2", InputNorm.L2), ("rms", InputNorm.Rms), ("none", InputNorm.None)),
            Goodness: Enum("model.goodness", ("sum", GoodnessKind.Sum), ("mean", GoodnessKind.Mean)),
            Threshold: NumberOrWord("model.threshold", "width"),
            Loss: Enum("model.loss", ("softplus", LossKind.Softplus), ("logistic", LossKind.Logistic), ("symba", LossKind.SymBa)),
            PeerNorm: Double("model.peer-norm", min: 0),
            LabelValue: NumberOrWord("model.label-value", "max"),
            Cwc: Cwc(),
            SymBaAlpha: Double("model.symba-alpha", min: 0, exclusiveMin: true),
            Hff: ModelKind() == "hff" ? new HffOptions(Scale: Double("model.hff.scale", min: 0, exclusiveMin: true)) : null,
            Distance: ModelKind() == "distance"
                ? new DistanceOptions(Margin: Double("model.distance.margin", min: 0), Scale: Double("model.distance.scale", min: 0, exclusiveMin: true))
                : null,
            Kernel: Enum("model.kernel", ("blocked", DenseKernel.Blocked), ("reference", DenseKernel.Reference))),
        new TrainOptions(
            Schedule: Enum("train.schedule", ("simultaneous", Schedule.Simultaneous), ("greedy", Schedule.Greedy)),
            Epochs: Int("train.epochs", min: 1),
            BatchSize: Int("train.batch-size", min: 0),
            Negatives: OneOf("train.negatives", NegativeStrategies.Names.ToArray()),
            Optimizer: new OptimizerOptions(
                Kind: Enum("train.optimizer.type", ("adam", OptimizerKind.Adam), ("sgd", OptimizerKind.Sgd)),
                LearningRate: Double("train.optimizer.lr", min: 0, exclusiveMin: true),
                Momentum: Double("train.optimizer.momentum", min: 0, max: 1),
                WeightDecay: Double("train.optimizer.weight-decay", min: 0),
                Schedule: Enum("train.optimizer.schedule", ("constant", LrSchedule.Constant), ("linear", LrSchedule.Linear)),
                DecayStart: Double("train.optimizer.decay-start", min: 0, max: 1)),
            Collaboration: new CollaborationOptions(
                Scale: Double("train.collaboration.scale"),
                Mode: Enum("train.collaboration.mode", ("all", CollaborationMode.All), ("previous", CollaborationMode.Previous), ("next", CollaborationMode.Next)),
                Exchange: Enum("train.collaboration.exchange", ("exact", GammaExchange.Exact), ("stale", GammaExchange.Stale)),
                Remedy: Enum("train.collaboration.remedy", ("none", CollaborationRemedy.None), ("per-block", CollaborationRemedy.PerBlock),
                    ("hardness-gated", CollaborationRemedy.HardnessGated), ("depth-scaled", CollaborationRemedy.DepthScaled))),
            NegativeOptions: NegativeOptions("train.negative-options"),
            ModelViewRefresh: Int("train.model-view-refresh", min: 1),
            LayerEpochs: Ilt()),
        new EvalOptions(
            ScoreLayers: LayerList("eval.score-layers"),
            HeadLayers: LayerList("eval.head.layers"),
            HeadEpochs: Int("eval.head.epochs", min: 0),
            HeadLearningRate: Double("eval.head.lr", min: 0, exclusiveMin: true),
            HeadBatchSize: Int("eval.head.batch-size", min: 1),
            BatchSize: Int("eval.batch-size", min: 1),
            ValidateEachEpoch: Bool("eval.validate-each-epoch"),
            Readout: Enum("eval.readout", ("auto", EvalReadout.Auto), ("label", EvalReadout.Label), ("probe", EvalReadout.Probe)),
            DiagnosticSamples: Int("eval.diagnostics.samples", min: 0),
            DiagnosticBins: Int("eval.diagnostics.bins", min: 1)));

    public RuntimeOptions BindRuntime() => new(
        Mode: Enum("runtime.mode", ("pipeline", ExecutionMode.Pipeline), ("sequential", ExecutionMode.Sequential)),
        CreditWindow: Int("runtime.credit-window", min: 1),
        ThreadsPerLayer: Int("runtime.threads-per-layer", min: 0),
        CheckpointEvery: Int("runtime.checkpoint-every", min: 0),
        Checkpoints: Bool("runtime.checkpoints"),
        Lanes: Int("runtime.lanes", min: 0),
        WorkSharing: Bool("runtime.work-sharing"),
        CheckpointKeep: Int("runtime.checkpoint-keep", min: 1));

    public ClusterOptions BindCluster()
    {
        var options = new ClusterOptions(
            Host: String("cluster.host"),
            Port: Int("cluster.port", min: 0, max: 65535),
            SeedNodes: StringList("cluster.seed-nodes"),
            NodeName: String("cluster.node-name"),
            MinLayerHosts: Int("cluster.min-layer-hosts", min: 1),
            Placement: Enum("cluster.placement", ("contiguous", PlacementKind.Contiguous), ("round-robin", PlacementKind.RoundRobin), ("explicit", PlacementKind.Explicit)),
            LayerNodes: StringList("cluster.layer-nodes"),
            Precision: Enum("cluster.wire-precision", ("float32", WirePrecision.Float32), ("float16", WirePrecision.Float16), ("bfloat16", WirePrecision.BFloat16)),
            MaximumFrameSize: Long("cluster.maximum-frame-size"),
            JoinTimeoutSeconds: Double("cluster.join-timeout", min: 0, exclusiveMin: true),
            HeartbeatPause: Double("cluster.heartbeat-pause", min: 1),
            StableAfter: Double("cluster.stable-after", min: 1),
            Tls: new TlsOptions(
                Enabled: Bool("cluster.tls.enabled"),
                CertificatePath: String("cluster.tls.certificate-path"),
                CertificatePassword: String("cluster.tls.certificate-password"),
                TrustedThumbprints: StringList("cluster.tls.trusted-thumbprints")),
            DataPlane: new DataPlaneOptions(
                Enabled: Bool("cluster.data-plane.enabled"),
                Port: Int("cluster.data-plane.port", min: 0, max: 65535),
                Threshold: Long("cluster.data-plane.threshold"),
                ExpirySeconds: Double("cluster.data-plane.expiry", min: 0, exclusiveMin: true),
                FetchTimeoutSeconds: Double("cluster.data-plane.fetch-timeout", min: 0, exclusiveMin: true)));
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            var key = e.Message.Split(':')[0];
            throw new ConfigException(config.HasPath(key) ? $"{loaded.OriginOf(key)}: {e.Message}" : e.Message);
        }
        return options;
    }

    string[] StringList(string key)
    {
        var v = config.GetValue(key);
        // Akka's HOCON reads an empty list [] as an empty value, not as an array.
        if (!v.IsArray() && !v.IsObject() && string.IsNullOrEmpty(v.GetString())) return [];
        if (!v.IsArray()) throw Error(key, $" expected a list like [\"a\", \"b\"], got '{v.GetString()}'");
        return v.GetArray().Select(e => e.GetString()).ToArray();
    }

    string ModelKind() => OneOf("model.kind", "dense", "cwc", "hff", "distance");

    /// <summary>model.kind = cwc: the CwC-FF blocks (model.layers is then unused).</summary>
    CwcOptions? Cwc()
    {
        if (ModelKind() != "cwc") return null;
        var input = IntList("model.cwc.input");
        if (input.Length != 3 || input.Any(d => d < 1)) throw Error("model.cwc.input", $" expected [channels, height, width], got [{string.Join(", ", input)}]");
        var channels = IntList("model.cwc.channels");
        if (channels.Length == 0 || channels.Any(c => c < 10 || c % 10 != 0))
            throw Error("model.cwc.channels", $" expected a non-empty list of multiples of the 10 classes, got [{string.Join(", ", channels)}]");
        return new CwcOptions(input, channels,
            Cfse: Bool("model.cwc.cfse"),
            Loss: Enum("model.cwc.loss", ("cwc-ce", CwcLoss.CwcCe), ("pvn", CwcLoss.PvN)),
            HeadPool: Int("model.cwc.head-pool", min: 0));
    }

    /// <summary>train.ilt: per-layer epoch windows [start, end), or none (both <c>none</c>).</summary>
    EpochWindow[]? Ilt()
    {
        var start = IntListOrEmpty("train.ilt.start");
        var end = IntListOrEmpty("train.ilt.end");
        if (start.Length == 0 && end.Length == 0) return null;
        if (start.Length != end.Length) throw Error("train.ilt.end", $" has {end.Length} entries but train.ilt.start has {start.Length}");
        int layers = config.GetString("model.kind") == "cwc" ? IntList("model.cwc.channels").Length : Layers("model.layers").Length - 1;
        if (start.Length != layers) throw Error("train.ilt.start", $" has {start.Length} windows for {layers} layers");
        for (int i = 0; i < start.Length; i++)
            if (start[i] < 0 || end[i] <= start[i]) throw Error("train.ilt.end", $" window {i} [{start[i]}, {end[i]}) is empty or negative");
        return start.Zip(end, (a, b) => new EpochWindow(a, b)).ToArray();
    }

    ConfigException Error(string key, string problem) => new($"{loaded.OriginOf(key)}: {key}:{problem}");

    string Raw(string key)
    {
        if (!config.HasPath(key)) throw Error(key, $" missing");
        var v = config.GetValue(key);
        if (v.IsObject() || v.IsArray()) throw Error(key, $" expected a single value");
        return v.GetString() ?? "";
    }

    public string String(string key) => Raw(key);

    public long Long(string key)
    {
        var s = Raw(key);
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw Error(key, $" expected an integer, got '{s}'");
    }

    public int Int(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Raw(key);
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw Error(key, $" expected an integer, got '{s}'");
        if (v < min || v > max) throw Error(key, $" {v} is out of range [{min}, {(max == int.MaxValue ? "∞" : max)}]");
        return v;
    }

    public double Double(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        var s = Raw(key);
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw Error(key, $" expected a number, got '{s}'");
        if (v < min || v > max || (exclusiveMin && v == min))
            throw Error(key, $" {s} is out of range {(exclusiveMin ? "(" : "[")}{min}, {max}]");
        return v;
    }

    public bool Bool(string key)
    {
        var s = Raw(key);
        return s switch
        {
            "true" or "on" or "yes" => true,
            "false" or "off" or "no" => false,
            _ => throw Error(key, $" expected true or false, got '{s}'"),
        };
    }

    public string OneOf(string key, params string[] allowed)
    {
        var s = Raw(key);
        return allowed.Contains(s) ? s : throw Error(key, $" '{s}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>The keys of <paramref name="key"/> that are not <c>default</c>, as numbers (flags: on/off → 1/0).</summary>
    public IReadOnlyDictionary<string, double> NegativeOptions(string key)
    {
        var result = new Dictionary<string, double>();
        foreach (var (name, _) in config.GetConfig(key).Root.GetObject().Items)
        {
            var full = $"{key}.{name}";
            var s = Raw(full);
            if (s == "default") continue;
            result[name] = s switch
            {
                "true" or "on" or "yes" => 1,
                "false" or "off" or "no" => 0,
                _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                    ? v : throw Error(full, $" expected a number, on/off or 'default', got '{s}'"),
            };
        }
        return result;
    }

    public T Enum<T>(string key, params (string Name, T Value)[] options)
    {
        var s = Raw(key);
        foreach (var (name, value) in options) if (name == s) return value;
        throw Error(key, $" '{s}' is not one of {string.Join(", ", options.Select(o => o.Name))}");
    }

    /// <summary>A number, or the given word meaning "computed" (returns null).</summary>
    public double? NumberOrWord(string key, string word)
    {
        var s = Raw(key);
        if (s == word) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw Error(key, $" expected a number or '{word}', got '{s}'");
    }

    public int[] Layers(string key)
    {
        var sizes = IntList(key);
        if (sizes.Length < 2) throw Error(key, $" need the input size and at least one layer width, got [{string.Join(", ", sizes)}]");
        if (sizes.Any(s => s < 1)) throw Error(key, $" sizes must be positive, got [{string.Join(", ", sizes)}]");
        return sizes;
    }

    /// <summary>A list of 0-based layer indices, or <c>default</c> (null).</summary>
    public int[]? LayerList(string key)
    {
        var v = config.GetValue(key);
        if (!v.IsArray() && v.GetString() == "default") return null;
        var list = IntList(key);
        if (list.Length == 0 || list.Any(l => l < 0)) throw Error(key, $" expected 'default' or a non-empty list of layer indices");
        return list;
    }

    /// <summary>A list, or <c>none</c> (empty). Not <c>[]</c>: Akka's HOCON reads it as an empty string and
    /// renders it as "&lt;&lt;unknown value&gt;&gt;" in a run's config.conf.</summary>
    int[] IntListOrEmpty(string key)
    {
        var v = config.GetValue(key);
        return v is not null && !v.IsArray() && !v.IsObject() && v.GetString() == "none" ? [] : IntList(key);
    }

    int[] IntList(string key)
    {
        var v = config.GetValue(key);
        // Akka's HOCON reads an empty list [] as an empty value, not as an array.
        if (!v.IsArray() && !v.IsObject() && string.IsNullOrEmpty(v.GetString())) return [];
        if (!v.IsArray()) throw Error(key, $" expected a list like [784, 500, 500], got '{v.GetString()}'");
        return v.GetArray().Select(e =>
        {
            var s = e.GetString();
            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i)
                ? i : throw Error(key, $" '{s}' is not an integer");
        }).ToArray();
    }
}
