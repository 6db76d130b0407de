using Akka.Actor;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using FFActors.Runtime.Protocol;
using Xunit;
using static TorchSharp.torch;

namespace FFActors.Cluster.Tests;

/// <summary>One instance of every protocol message, built deterministically (build twice to get equal copies), and a deep comparison.</summary>
static class WireSamples
{
    static Tensor Rand(long seed, params long[] shape)
    {
        using var g = new Generator((ulong)seed);
        return randn(shape, generator: g);
    }

    public static IEnumerable<(string Name, Func<object> Build)> All(IActorRef a, IActorRef b)
    {
        var stamp = new Stamp("run-äö", 3, 1, 17);
        var options = new DenseSpec(2, 64, 48, new OptimizerOptions(OptimizerKind.Sgd, 0.02, 0.8, 1e-4, LrSchedule.Linear, 0.4), null, InputNorm.Rms, new Objective(GoodnessKind.Mean, 2.5, LossKind.Logistic), 0.03);
        yield return ("TrainBatch", () => new TrainBatch(stamp, Rand(1, 7, 64), Rand(2, 7, 64),
            new Dictionary<string, Tensor> { [SignalNames.GammaPositive] = Rand(3, 3, 7), [SignalNames.GammaNegative] = Rand(4, 3, 7) }));
        yield return ("TrainBatch without signals", () => new TrainBatch(stamp, Rand(1, 7, 64), Rand(2, 7, 64)));
        yield return ("TrainBatch with labels (CwC-FF)", () => new TrainBatch(stamp, Rand(1, 7, 64), Rand(2, 0, 64), null, arange(KeptScalars.Of(7L)) % KeptScalars.Of(3)));
        yield return ("TrainBatch with a modulation and labels", () => new TrainBatch(stamp, Rand(1, 7, 64), Rand(2, 7, 64),
            new Dictionary<string, Tensor> { ["modulation+"] = Rand(18, 3, 7), ["modulation-"] = Rand(19, 3, 7) }, arange(KeptScalars.Of(7L)) % KeptScalars.Of(3)));
        yield return ("ProbeBatch", () => new ProbeBatch(stamp, Rand(5, 4, 10), Rand(6, 4, 10),
            [new SignalDemand(SignalNames.GoodnessPositive, [0, 1, 2]), new SignalDemand("readout+", [2])]));
        yield return ("ScoreBatch", () => new ScoreBatch(stamp, 9, Rand(7, 5, 12), 2, 0b101));
        yield return ("FeatureBatch", () => new FeatureBatch(stamp, Rand(8, 5, 12), 3, long.MaxValue));
        yield return ("NeighbourState, a training batch's state going up", () => new NeighbourState(stamp, NeighbourState.Training, 3, 1, Rand(21, 7, 74), Rand(22, 7, 74)));
        yield return ("NeighbourState, a scoring pass's top-down state", () => new NeighbourState(stamp, 9, 0, 2, Rand(23, 5, 48), null));
        yield return ("Credit", () => new Credit(stamp, 4));
        yield return ("LayerStepped", () => new LayerStepped(stamp, 1, new LayerStepStats(0.5, 3.25, -1e-9, 0.875, 0.0625), Rand(9, 7), Rand(10, 7)));
        yield return ("LayerStepped without goodness", () => new LayerStepped(stamp, 1, new LayerStepStats(double.NaN, 1, 2, 3, 4), null, null));
        yield return ("ProbeReport", () => new ProbeReport(stamp, 2, [SignalNames.GoodnessPositive, SignalNames.GoodnessNegative, "readout+"],
            [Rand(11, 6), Rand(12, 6), Rand(20, 6, 10)]));
        yield return ("ScoreGoodness", () => new ScoreGoodness(stamp, 7, 2, Rand(13, 6)));
        yield return ("SaveCheckpoint", () => new SaveCheckpoint(stamp, "e0001-b000010"));
        yield return ("CheckpointSaved", () => new CheckpointSaved(stamp, 2, "e0001-b000010", Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray()));
        yield return ("ReleaseLayer", () => new ReleaseLayer(stamp));
        yield return ("LayerReleased", () => new LayerReleased(stamp, 1, [1, 2, 3, 255], new LayerTimings(1, 1.5, 2.25, 1234, 3, 2)));
        yield return ("StopTraining", () => new StopTraining(stamp));
        yield return ("LayerFeatures", () => new LayerFeatures(stamp, 0, Rand(14, 5, 48)));
        yield return ("ReadWeights", () => new ReadWeights(stamp));
        yield return ("LayerWeights", () => new LayerWeights(stamp, 1, new Dictionary<string, Tensor> { ["linear.weight"] = Rand(16, 6, 5), ["linear.bias"] = Rand(17, 6) }));
        yield return ("HeadFeatures", () => new HeadFeatures(stamp, true, Rand(15, 5, 96)));
        yield return ("FitHead", () => new FitHead(stamp));
        yield return ("HeadAccuracy", () => new HeadAccuracy(stamp, 0.9731));
        yield return ("CreateLayer", () => new CreateLayer("r", 2, options, 42, 5, 3, 1, a, b, [9, 8, 7], true));
        var cwc = new CwcSpec(0, new OptimizerOptions(), new EpochWindow(1, 4), new CwcBlockOptions(1, 28, 28, 20, 10, true, 10, 2), new CwcObjective(10, CwcLoss.PvN, 2.0));
        yield return ("CreateLayer, CwC-FF block", () => new CreateLayer("r", 2, cwc, 42, 5, 3, 1, a, b, null, false));
        var hff = new HffSpec(options.Index, options.InputSize, options.OutputSize, options.Optimizer, null, InputNorm.Rms, new HffOptions(10, 7.5));
        yield return ("CreateLayer, HFF layer", () => new CreateLayer("r", 2, hff, 42, 5, 3, 1, a, null, null, false));
        var df = new DistanceSpec(options.Index, options.InputSize, options.OutputSize, options.Optimizer, new EpochWindow(0, 3), InputNorm.L2, new DistanceOptions(10, 0.5, 12.5));
        var reference = options with { SharedHalves = true, Kernel = DenseKernel.Reference };
        yield return ("CreateLayer, dense layer with shared halves and the reference kernel", () => new CreateLayer("r", 2, reference, 42, 5, 3, 1, a, null, null, false));
        yield return ("CreateLayer, Distance-Forward layer", () => new CreateLayer("r", 2, df, 42, 5, 3, 1, a, null, null, false));
        var mf = new MonoForwardSpec(options.Index, options.InputSize, options.OutputSize, options.Optimizer, null, InputNorm.None, new MonoForwardOptions(7));
        yield return ("CreateLayer, Mono-Forward layer", () => new CreateLayer("r", 2, mf, 42, 5, 3, 1, a, null, null, false));
        var dendritic = new DendriticSpec(1, 74, 58, options.Optimizer, new EpochWindow(1, 3), InputNorm.L2, options.Objective, 0.03, Classes: 10, BasalLabel: true);
        yield return ("CreateLayer, dendritic layer", () => new CreateLayer("r", 2, dendritic, 42, 5, 3, 1, a, b, null, false));
        var prospective = new ProspectiveSpec(1, 74, 58, options.Optimizer, null, InputNorm.Rms, options.Objective with { Remedy = CollaborationRemedy.DepthScaled, CumulativeDivisor = 2.5 }, 0,
            new ProspectiveOptions(ProspectiveFormulation.Seed, 0.75, 0.125, 0.02, 7, 0.3, 0.125, 10));
        yield return ("CreateLayer, prospective layer", () => new CreateLayer("r", 2, prospective, 42, 5, 3, 1, a, null, null, false));
        var threeFactor = new ThreeFactorSpec(options.Index, options.InputSize, options.OutputSize, options.Optimizer, null, InputNorm.L2,
            options.Objective, 0.03, new ThreeFactorOptions(Modulation.RewardPrediction, ModulationFormulation.Seed, 1.5, 0.9), Top: true);
        yield return ("CreateLayer, three-factor top layer", () => new CreateLayer("r", 2, threeFactor, 42, 5, 3, 1, a, null, null, false));
        var pcl = new PclSpec(options.Index, options.InputSize, options.OutputSize, options.Optimizer, new EpochWindow(1, 3), InputNorm.L2,
            options.Objective, new PclOptions(PclFormulation.Seed, 0.25, 0.05, 0.75, 3.0, 0.95));
        yield return ("CreateLayer, PCL-FF layer", () => new CreateLayer("r", 2, pcl, 42, 5, 3, 1, a, b, null, false));
        var recurrent = new RecurrentSpec(1, 74, 58, options.Optimizer, new EpochWindow(0, 2), InputNorm.Rms, options.Objective,
            new RecurrentOptions(6, 0.25, 2, 4, TopDown: true, Classes: 10), 32, Top: false);
        yield return ("CreateLayer, recurrent layer", () => new CreateLayer("r", 2, recurrent, 42, 5, 3, 1, a, b, null, false));
        var pff = new PffSpec(options.Index, options.InputSize, options.OutputSize, options.Optimizer, new EpochWindow(1, 3), InputNorm.Rms,
            options.Objective, new PffOptions(7, 9, 0.75, 0.05), Top: true);
        yield return ("CreateLayer, PFF top layer", () => new CreateLayer("r", 2, pff, 42, 5, 3, 1, a, b, null, false));
        var gated = options with { Objective = options.Objective with { Remedy = CollaborationRemedy.HardnessGated } };
        yield return ("CreateLayer, hardness-gated collaboration", () => new CreateLayer("r", 2, gated, 42, 5, 3, 1, a, b, null, false));
        var depth = options with { Objective = options.Objective with { Remedy = CollaborationRemedy.DepthScaled, CumulativeDivisor = 3.0 } };
        yield return ("CreateLayer, depth-scaled collaboration", () => new CreateLayer("r", 2, depth, 42, 5, 3, 1, a, b, null, false));
        yield return ("CreateLayer, last layer, fresh", () => new CreateLayer("r", 2, options, 42, 5, 3, 1, a, null, null, false));
        yield return ("LayerCreated", () => new LayerCreated("r", 2, 1, b));
        yield return ("LayerFailed", () => new LayerFailed("r", 2, 1, "layer 1 at epoch 1 batch 3: non-finite result (loss NaN, goodness NaN/NaN)", NonFinite: true));
        yield return ("RetireLayers", () => new RetireLayers("r", int.MaxValue));
        yield return ("DescribeHost", () => new DescribeHost("r"));
        yield return ("LayerHostInfo", () => new LayerHostInfo("host-a", 4 << 20));
    }

    /// <summary>Every property equal: tensors bitwise (shape, dtype, values), byte arrays element-wise, the rest by value.</summary>
    public static void AssertSame(object expected, object actual, string what)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        foreach (var p in expected.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            object? e = p.GetValue(expected), a = p.GetValue(actual);
            string where = $"{what}.{p.Name}";
            switch (e)
            {
                case null:
                    Assert.True(a is null, $"{where}: expected null");
                    break;
                case Tensor te:
                    AssertSameTensor(te, Assert.IsAssignableFrom<Tensor>(a), where);
                    break;
                case byte[] be:
                    Assert.Equal(be, Assert.IsType<byte[]>(a));
                    break;
                case IReadOnlyDictionary<string, Tensor> de:
                    var da = Assert.IsAssignableFrom<IReadOnlyDictionary<string, Tensor>>(a);
                    Assert.Equal(de.Keys.Order(), da.Keys.Order());
                    foreach (var (k, v) in de) AssertSameTensor(v, da[k], $"{where}[{k}]");
                    break;
                case Tensor[] ae:
                    var aa = Assert.IsType<Tensor[]>(a);
                    Assert.Equal(ae.Length, aa.Length);
                    for (int i = 0; i < ae.Length; i++) AssertSameTensor(ae[i], aa[i], $"{where}[{i}]");
                    break;
                case string[] se:
                    Assert.Equal(se, Assert.IsType<string[]>(a));
                    break;
                case IReadOnlyList<SignalDemand> ge:
                    var ga = Assert.IsAssignableFrom<IReadOnlyList<SignalDemand>>(a);
                    Assert.Equal(ge.Select(d => (d.Kind, string.Join(",", d.Sources))), ga.Select(d => (d.Kind, string.Join(",", d.Sources))));
                    break;
                default:
                    Assert.True(Equals(e, a), $"{where}: {e} != {a}");
                    break;
            }
        }
    }

    static void AssertSameTensor(Tensor e, Tensor a, string where)
    {
        Assert.Equal(e.shape, a.shape);
        Assert.Equal(e.dtype, a.dtype);
        Assert.True(e.bytes.SequenceEqual(a.bytes), $"{where}: tensor values differ");
    }

    public static void DisposeAll(object message)
    {
        if (message is IDisposable d) d.Dispose();
    }
}
