using FFActors.Cli.Configuration.Keys;
using FFActors.Cli.Configuration.Schema;
using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Training;
using FFActors.Runtime;
using FFActors.Runtime.Cluster;

namespace FFActors.Cli.Configuration;

/// <summary>
/// The checks that involve more than one key, all here and all before anything is loaded or
/// written: a key's own type and range are checked by its declaration when it is read. Each
/// failure names the key to change (and where it was set) as data on the <see cref="ConfigException"/>.
/// </summary>
public static class ConfigValidation
{
    /// <summary>The number of FF layers the model section describes, as its layer kind counts them (CwC: its blocks).</summary>
    public static int LayerCount(ConfigReader r) => ModelKeys.Bind(r).LayerCount;

    public static void CheckTrain(ConfigReader r)
    {
        var model = ModelKeys.Bind(r);
        int layers = model.LayerCount;
        CheckIlt(r, layers);
        CheckEvalLayers(r, layers);
        if (model.LabelDriven && r.Get(TrainKeys.CollaborationScale) != 0)
            throw r.Fail(TrainKeys.CollaborationScale.Path, $"collaboration is not supported for model.kind = {r.Get(ModelKeys.Kind)} (its layers learn from labels in one pass); use 0");
        bool needsModel = CheckNegatives(r);
        CheckDenseCopies(r, model, needsModel);
    }

    /// <summary>
    /// The goodness diagnostics and the model-driven negatives read a copy of the network's layers scored by their goodness
    /// (<see cref="ModelReplica"/>: dense, three-factor, PCL-FF); a kind with other layers (dendritic, prospective, recurrent) must run without them.
    /// </summary>
    static void CheckDenseCopies(ConfigReader r, ModelOptions model, bool needsModel)
    {
        if (model.LabelDriven || FFNetwork.SpecsFor(model, new NetworkContext(new OptimizerOptions())).All(s => s.FFObjective is not null)) return;
        string kind = r.Get(ModelKeys.Kind);
        if (needsModel)
            throw r.Fail(TrainKeys.Negatives.Path, $"{r.Get(TrainKeys.Negatives)} reads a copy of FF layers scored by their goodness, not model.kind = {kind}; use a strategy that needs no model");
        if (r.Get(EvalKeys.DiagnosticSamples) > 0)
            throw r.Fail(EvalKeys.DiagnosticSamples.Path, $"{r.Get(EvalKeys.DiagnosticSamples)}, but the goodness diagnostics read a copy of FF layers scored by their goodness, not model.kind = {kind}; use 0");
    }

    static void CheckIlt(ConfigReader r, int layers)
    {
        var start = r.Get(TrainKeys.IltStart);
        var end = r.Get(TrainKeys.IltEnd);
        if (start.Length == 0 && end.Length == 0) return;
        if (start.Length != end.Length)
            throw r.Fail(TrainKeys.IltEnd.Path, $"has {end.Length} entries but train.ilt.start has {start.Length}; give one [start, end) window per layer in both");
        if (start.Length != layers) throw r.Fail(TrainKeys.IltStart.Path, $"has {start.Length} windows for {layers} layers");
        for (int i = 0; i < start.Length; i++)
            if (end[i] <= start[i]) throw r.Fail(TrainKeys.IltEnd.Path, $"window {i} [{start[i]}, {end[i]}) is empty");
    }

    static void CheckEvalLayers(ConfigReader r, int layers)
    {
        var score = r.Get(EvalKeys.ScoreLayers);
        var scored = new EvalOptions(ScoreLayers: score).ScoreLayersFor(layers);
        foreach (var (key, list) in new[] { (EvalKeys.ScoreLayers, scored), (EvalKeys.HeadLayers, r.Get(EvalKeys.HeadLayers) ?? scored) })
            foreach (int l in list)
                if (l >= layers) throw r.Fail(key.Path, $"layer {l} does not exist (the model has layers 0..{layers - 1})");
    }

    /// <summary>The strategy's own parameters only, its own ranges (checked by building it once), and the evaluation it allows.</summary>
    /// <returns>Whether the strategy reads the network (model-driven negatives).</returns>
    static bool CheckNegatives(ConfigReader r)
    {
        string name = r.Get(TrainKeys.Negatives);
        var known = NegativeStrategies.Parameters[name];
        foreach (var key in TrainKeys.NegativeOptions)
            if (r.Get(key) is not null && !known.Contains(TrainKeys.ParameterName(key)))
                throw r.Fail(key.Path, $"train.negatives = {name} has no parameter {TrainKeys.ParameterName(key)} (its parameters: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        INegativeStrategy strategy;
        try
        {
            strategy = NegativeStrategies.Create(name, new LabelOverlay(r.Get(ModelKeys.LabelValue), Placement: r.Get(ModelKeys.LabelInput)), TrainKeys.NegativeParameters(r));
        }
        catch (ArgumentException e)
        {
            // A strategy checks the range of its own parameters; which one it refused is in its words only.
            throw r.FailSection(TrainKeys.NegativeOptionsSection, WithoutParameterName(e));
        }
        bool labelFree = strategy.LabelFree;
        bool needsModel = strategy.NeedsModel;
        (strategy as IDisposable)?.Dispose();
        var readout = r.Get(EvalKeys.Readout);
        if (readout == EvalReadout.Label && labelFree)
            throw r.Fail(EvalKeys.Readout.Path, $"label, but train.negatives = {name} is label-free (the network never sees a label, " +
                "so goodness under each label cannot classify); use probe (or auto)");
        bool probeOnly = readout == EvalReadout.Probe || (readout == EvalReadout.Auto && labelFree);
        if (probeOnly && r.Get(EvalKeys.HeadEpochs) < 1)
            throw r.Fail(EvalKeys.HeadEpochs.Path, $"{r.Get(EvalKeys.HeadEpochs)}, but the linear probe is the only evaluation " +
                $"{(labelFree ? $"of label-free negatives ({name})" : "with eval.readout = probe")}; it needs at least 1 epoch");
        return needsModel;
    }

    /// <summary><see cref="ArgumentOutOfRangeException.Message"/> appends the C# parameter name, which means nothing to a user.</summary>
    static string WithoutParameterName(ArgumentException e)
    {
        var suffix = e.ParamName is null ? null : $" (Parameter '{e.ParamName}')";
        var message = e.Message.ReplaceLineEndings(" ");
        int at = suffix is null ? -1 : message.IndexOf(suffix, StringComparison.Ordinal);
        return at >= 0 ? message[..at] : message;
    }

    /// <summary>Lanes × intra-op threads per lane: each key is bounded, their product must be too.</summary>
    public static void CheckRuntime(ConfigReader r, int layers)
    {
        int perLane = r.Get(RuntimeKeys.ThreadsPerLayer);
        if (perLane == 0) return;
        var runtime = new RuntimeOptions(Mode: r.Get(RuntimeKeys.Mode), Lanes: r.Get(RuntimeKeys.Lanes));
        int lanes = runtime.LanesFor(layers, Environment.ProcessorCount);
        if ((long)perLane * lanes > RuntimeKeys.MaxLayerThreads)
            throw r.Fail(RuntimeKeys.ThreadsPerLayer.Path,
                $"{perLane} threads on each of {lanes} lanes would start {(long)perLane * lanes} threads; at most {RuntimeKeys.MaxLayerThreads} in all (lower it or runtime.lanes)");
    }

    public static void CheckCluster(ConfigReader r)
    {
        if (r.Get(ClusterKeys.Placement) == PlacementKind.Explicit && r.Get(ClusterKeys.LayerNodes).Length == 0)
            throw r.Fail(ClusterKeys.LayerNodes.Path, "explicit placement needs a node name per layer");
        bool tls = r.Get(ClusterKeys.TlsEnabled);
        string scheme = tls ? "akka.ssl.tcp" : "akka.tcp";
        foreach (var seed in r.Get(ClusterKeys.SeedNodes))
        {
            if (!tls && seed.StartsWith($"akka.ssl.tcp://{ClusterOptions.SystemName}@", StringComparison.Ordinal))
                throw r.Fail(ClusterKeys.SeedNodes.Path, $"'{seed}' is the address of a TLS cluster, but {ClusterKeys.TlsEnabled.Path} = false " +
                    $"(set it and {ClusterKeys.CertificatePath.Path}; a --resume --cluster of a TLS run reads both from the run folder)");
            if (!seed.StartsWith($"{scheme}://{ClusterOptions.SystemName}@", StringComparison.Ordinal))
                throw r.Fail(ClusterKeys.SeedNodes.Path, $"'{seed}' is not {scheme}://{ClusterOptions.SystemName}@HOST:PORT" +
                    (tls ? " (cluster.tls.enabled = true)" : ""));
        }
        if (tls)
        {
            var path = r.Get(ClusterKeys.CertificatePath);
            if (path.Length == 0) throw r.Fail(ClusterKeys.CertificatePath.Path, "cluster.tls.enabled = true needs this node's .pfx file");
            if (!File.Exists(path)) throw r.Fail(ClusterKeys.CertificatePath.Path, $"'{path}' not found");
        }
    }
}
