using FFActors.Cli.Configuration.Schema;
using FFActors.Cli.Experiments;
using FFActors.Core.Data;

namespace FFActors.Cli.Configuration.Keys;

/// <summary>hocon/experiment.conf: the keys of an experiment file and of one of its arms.</summary>
public static class ExperimentKeys
{
    public static readonly ConfigKey<string> Name = Key.Text("experiment.name", "", "title of the table and charts, and the results folder's name; \"\" = the file's name");
    public static readonly ConfigKey<string> Description = Key.Text("experiment.description", "", "one paragraph printed above the table");
    public static readonly ConfigKey<string> Base = Key.Text("experiment.base", "", "train config file every arm starts from, relative to this file; \"\" = the defaults");
    public static readonly ConfigKey<long[]> Seeds = new("experiment.seeds", new LongListKind(1), [1], "every arm runs once per seed (sets run.seed)");
    public static readonly ConfigKey<int> Parallel = Key.Int("experiment.parallel", 0, 0, RunKeys.MaxThreads, "arm-seeds run at once; 0 = max(1, cores / 2)");
    public static readonly ConfigKey<string> OutDir = Key.Text("experiment.out-dir", "runs/experiments", "results go to out-dir/<name>");
    public static readonly ConfigKey<string[]> Only = Key.Texts("experiment.only", "run only these arms; [] = all");
    public static readonly ConfigKey<Akka.Configuration.Hocon.HoconValue?> Set = Key.Section("experiment.set", "train-config overrides for every arm");
    public static readonly ConfigKey<Akka.Configuration.Hocon.HoconValue?> Arms = Key.Section("experiment.arms", "name { kind, set, note } per arm, run and tabled in this order");
    public static readonly ConfigKey<Akka.Configuration.Hocon.HoconValue?> Grid = Key.Section("experiment.grid", "train-config key = [v1, v2, ...]: one train arm per combination");

    public static readonly ConfigKey<string> Target = Key.Word("experiment.transfer.target", "fashion-mnist", "dataset the frozen features are probed on", DatasetInfo.All.Select(d => d.Name));
    public static readonly ConfigKey<int> TransferValidation = Key.Int("experiment.transfer.validation", 10000, 1, DataKeys.MaxSamples, "target training samples held out for the validation split");
    public static readonly ConfigKey<int> TransferTrainLimit = Key.Int("experiment.transfer.train-limit", 0, 0, DataKeys.MaxSamples, "first N target training samples; 0 = all");
    public static readonly ConfigKey<int> TransferTestLimit = Key.Int("experiment.transfer.test-limit", 0, 0, DataKeys.MaxSamples, "first N target test samples; 0 = all");
    public static readonly ConfigKey<int[]?> TransferLayers = Key.Layers("experiment.transfer.layers", "layers concatenated for the \"all layers\" feature set; default = every layer");
    public static readonly ConfigKey<int> ProbeEpochs = Key.Int("experiment.transfer.probe.epochs", 10, 1, 1_000_000, "passes of Adam over the target training features");
    public static readonly ConfigKey<double> ProbeLearningRate = Key.Above("experiment.transfer.probe.lr", 0.001, 0, "Adam learning rate of the probe");
    public static readonly ConfigKey<int> ProbeBatchSize = Key.Int("experiment.transfer.probe.batch-size", 100, 1, EvalKeys.MaxBatch, "samples per probe update");
    public static readonly ConfigKey<int> BackpropEpochs = Key.Int("experiment.transfer.backprop.epochs", 5, 1, 1_000_000, "passes of the backprop baseline over the source training set");
    public static readonly ConfigKey<double> BackpropLearningRate = Key.Above("experiment.transfer.backprop.lr", 0.001, 0, "Adam learning rate of the backprop baseline");
    public static readonly ConfigKey<int> BackpropBatchSize = Key.Int("experiment.transfer.backprop.batch-size", 100, 1, EvalKeys.MaxBatch, "samples per backprop update");
    public static readonly ConfigKey<int> RbmK = Key.Int("experiment.transfer.rbm.k", 1, 1, 10_000, "Gibbs steps of the negative phase (CD-k)");
    public static readonly ConfigKey<int> RbmEpochs = Key.Int("experiment.transfer.rbm.epochs", 5, 1, 1_000_000, "passes of each RBM over the source training set");
    public static readonly ConfigKey<double> RbmLearningRate = Key.Above("experiment.transfer.rbm.lr", 0.05, 0, "learning rate of the CD-k updates");
    public static readonly ConfigKey<int> RbmBatchSize = Key.Int("experiment.transfer.rbm.batch-size", 100, 1, EvalKeys.MaxBatch, "samples per CD-k update");
    public static readonly ConfigKey<double> RbmMomentum = Key.Number("experiment.transfer.rbm.momentum", 0.9, 0, 0.999, "momentum after the first epoch (0.5 in it)");
    public static readonly ConfigKey<double> RbmWeightDecay = Key.Number("experiment.transfer.rbm.weight-decay", 0.0002, 0, 1, "L2 weight decay of the CD-k updates");

    public static readonly ConfigKey<string> EmbeddingMethod = Key.Word("experiment.embedding.method", "none", "2-D embedding of target test features: none, pca or exact t-SNE", ["none", "pca", "tsne"]);
    public static readonly ConfigKey<string[]> EmbeddingArms = Key.Texts("experiment.embedding.arms", "arms to embed; [] = every feature arm");
    public static readonly ConfigKey<string> EmbeddingFeatures = Key.Word("experiment.embedding.features", "last", "the last layer, or all layers concatenated", ["last", "all"]);
    public static readonly ConfigKey<int> EmbeddingSamples = Key.Int("experiment.embedding.samples", 2000, 10, 1_000_000, "first N target test samples");
    public static readonly ConfigKey<double> Perplexity = Key.Number("experiment.embedding.perplexity", 30, 1, double.PositiveInfinity, "t-SNE perplexity");
    public static readonly ConfigKey<int> Iterations = Key.Int("experiment.embedding.iterations", 500, 1, 1_000_000, "t-SNE gradient steps");

    public static readonly ConfigKey<Akka.Configuration.Hocon.HoconValue?> Quick = Key.Section("experiment.quick", "the --quick profile: experiment keys merged over the above");

    public static readonly ConfigKey<string> ArmKind = Key.Word("arm.kind", ArmSpec.TrainKind, "train, or a feature arm probed on the transfer target",
        FeatureArms.Kinds.Keys.Prepend(ArmSpec.TrainKind));
    public static readonly ConfigKey<Akka.Configuration.Hocon.HoconValue?> ArmSet = Key.Section("arm.set", "train-config overrides of this arm (after experiment.set)");
    public static readonly ConfigKey<string> ArmNote = Key.Text("arm.note", "", "shown in the table next to the overrides");

    public static IKeyGroup Group { get; } = new KeyGroup("experiment",
        [Name, Description, Base, Seeds, Parallel, OutDir, Only, Set, Arms, Grid, Target, TransferValidation, TransferTrainLimit, TransferTestLimit, TransferLayers,
         ProbeEpochs, ProbeLearningRate, ProbeBatchSize, BackpropEpochs, BackpropLearningRate, BackpropBatchSize,
         RbmK, RbmEpochs, RbmLearningRate, RbmBatchSize, RbmMomentum, RbmWeightDecay,
         EmbeddingMethod, EmbeddingArms, EmbeddingFeatures, EmbeddingSamples, Perplexity, Iterations, Quick]);

    public static IKeyGroup ArmGroup { get; } = new KeyGroup("arm", [ArmKind, ArmSet, ArmNote]);
}
