using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FFActors.Core.Tests.Negatives;

/// <summary>
/// Every strategy on a few hundred real MNIST digits, wired the way the trainer should wire it:
/// positives from <see cref="INegativeStrategy.BuildPositives"/>, the network view for strategies
/// that need it, and the first layer as wide as <see cref="INegativeStrategy.InputWidth"/>.
/// </summary>
public class MnistWiringTests(ITestOutputHelper log)
{
    static readonly Lazy<DataSplits> Digits = new(() => Mnist.Load(trainLimit: 200, testLimit: 10));

    public static TheoryData<string> AllNames()
    {
        var data = new TheoryData<string>();
        foreach (var n in NegativeStrategies.Names) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Strategy_trains_a_small_network_on_mnist_batches(string name)
    {
        var train = Digits.Value.Train;
        var overlay = new LabelOverlay();
        var strategy = NegativeStrategies.Create(name, overlay);
        using var net = new FFNetwork(new ModelOptions([strategy.InputWidth(train.Features), 32, 32]),
            new OptimizerOptions(LearningRate: 0.01), 1, CPU);
        var view = new NetworkView(net, [0, 1]);
        using var gen = new Generator(2);

        // A held batch of this strategy's positives and negatives, built by the untrained network: the first layer's FF
        // loss on it must fall with training (a strategy wired so that nothing is learned leaves it where it was).
        using var heldScope = NewDisposeScope();
        var (hx, hy) = train.Batches(100, null).First();
        var heldPos = strategy.BuildPositives(hx, hy, overlay);
        Tensor heldNeg;
        using (var heldGen = new Generator(7)) heldNeg = strategy.Generate(new NegativeBatch(hx, hy, heldPos, view), heldGen);
        double HeldLoss()
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var layer = (DenseLayer)net.Layers[0];
            return layer.Objective.LossOf(layer.Score(layer.Forward(heldPos)), layer.Score(layer.Forward(heldNeg))).item<float>();
        }
        double before = HeldLoss();

        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (var (x, y) in train.Batches(100, null))
            {
                using (x)
                using (y)
                using (NewDisposeScope())
                {
                    var pos = strategy.BuildPositives(x, y, overlay);
                    var neg = strategy.Generate(new NegativeBatch(x, y, pos, view), gen);
                    Assert.Equal(pos.shape, neg.shape);
                    Assert.DoesNotContain(true, NegativeTestKit.RowsEqual(neg, pos));
                    if (strategy.LabelFree)
                        Assert.True(pos.narrow(1, 0, overlay.Classes).eq(KeptScalars.Of((float)LabelOverlay.NeutralValue)).all().item<bool>());
                    foreach (var layer in net.Layers)
                    {
                        var (output, stats) = layer.Step(pos, neg);
                        Assert.True(double.IsFinite(stats.Loss), $"{name}: loss {stats.Loss}");
                        (pos, neg) = (output.Positive, output.Negative);
                    }
                }
            }
        }
        double after = HeldLoss();
        (strategy as IDisposable)?.Dispose();
        log.WriteLine($"{name}: {sw.ElapsedMilliseconds} ms for 3 passes over 200 samples; layer-0 loss on the held batch {before:F4} → {after:F4}");
        Assert.True(after < before, $"{name}: the first layer's loss on a held batch went from {before:F4} to {after:F4}");
    }
}
