using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;
using static FFActors.Core.Tests.TestSetup;

namespace FFActors.Core.Tests.Variants;

/// <summary>CwC-FF on small tensors: block shapes, the goodness matrix, both losses, ILT freezing.</summary>
public class CwcTests
{
    [Fact]
    public void Blocks_follow_the_paper_layout_cfse_on_every_second_block()
    {
        var blocks = new CwcOptions([1, 28, 28], [20, 80, 240, 480]).Blocks();
        Assert.Equal([1, 20, 80, 240], blocks.Select(b => b.InChannels));
        Assert.Equal([1, 10, 1, 10], blocks.Select(b => b.Groups));
        Assert.Equal([false, true, false, true], blocks.Select(b => b.MaxPool));
        Assert.Equal([28, 28, 14, 14], blocks.Select(b => b.Height));
        Assert.Equal(480 * 7 * 7, blocks[3].OutputSize);
        Assert.All(new CwcOptions([1, 28, 28], [20, 80], Cfse: false).Blocks(), b => Assert.Equal((1, false), (b.Groups, b.MaxPool)));
        Assert.Throws<ArgumentException>(() => new CwcOptions([1, 28, 28], [20, 85]).Blocks());
    }

    [Fact]
    public void Layer_work_counts_the_multiply_adds_of_each_block_and_dense_layer()
    {
        var cwc = new ModelOptions([784], LayerKind: new CwcKind(new CwcOptions([1, 28, 28], [20, 80]))).LayerWork();
        Assert.Equal([9.0 * 1 * 20 * 28 * 28, 9.0 * 20 / 10 * 80 * 28 * 28], cwc);
        Assert.Equal([784.0 * 500, 500.0 * 10], new ModelOptions([784, 500, 10]).LayerWork());
    }

    [Fact]
    public void A_block_maps_flat_images_to_pooled_channels_and_the_goodness_matrix_is_B_by_classes()
    {
        using var scope = NewDisposeScope();
        var options = new CwcBlockOptions(20, 8, 8, 40, Groups: 10, MaxPool: true, Classes: 10);
        using var gen = new Generator(3);
        using var block = new CwcBlock(options, gen);
        var h = block.forward(randn(5, 20 * 8 * 8, generator: gen));
        Assert.Equal([5L, 40, 4, 4], h.shape);
        var g = new CwcObjective(10, CwcLoss.CwcCe).GoodnessMatrix(h);
        Assert.Equal([5L, 10], g.shape);
        // Class c's goodness is the mean square of channels [4c, 4c+4).
        var expected = h.narrow(1, 12, 4).square().mean([1, 2, 3]);
        Assert.True(g.select(1, 3).allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Grouped_convolution_keeps_each_class_group_to_its_own_inputs()
    {
        using var scope = NewDisposeScope();
        var options = new CwcBlockOptions(20, 6, 6, 40, Groups: 10, MaxPool: false, Classes: 10);
        using var gen = new Generator(4);
        using var block = new CwcBlock(options, gen);
        block.eval();
        using var _ = no_grad();
        var x = randn(2, 20, 6, 6, generator: gen);
        var before = block.forward(x);
        var y = x.clone();
        y.narrow(1, 4, 2).add_(KeptScalars.Of(5.0), KeptScalars.One); // input channels of group 2 only
        var after = block.forward(y);
        var changed = after.sub(before).abs().amax([0, 2, 3]).gt(KeptScalars.Of(1e-6));
        Assert.Equal(Enumerable.Range(0, 40).Select(c => c / 4 == 2), changed.data<bool>().ToArray());
    }

    // Goodness matrix of 2 samples × 3 classes, labels [0, 2].
    static Tensor G() => tensor(new float[] { 3, 1, 0, 0.5f, 2, 4 }, [2, 3]);
    static Tensor Y() => tensor(new long[] { 0, 2 });

    [Fact]
    public void CwC_CE_is_the_cross_entropy_of_the_goodness_matrix()
    {
        using var scope = NewDisposeScope();
        double l0 = -Math.Log(Math.Exp(3) / (Math.Exp(3) + Math.Exp(1) + Math.Exp(0)));
        double l1 = -Math.Log(Math.Exp(4) / (Math.Exp(0.5) + Math.Exp(2) + Math.Exp(4)));
        var loss = new CwcObjective(3, CwcLoss.CwcCe).LossOf(G(), Y()).item<float>();
        Assert.Equal((l0 + l1) / 2, loss, 5);
    }

    [Fact]
    public void PvN_contrasts_the_true_class_with_the_mean_of_the_others_around_theta()
    {
        using var scope = NewDisposeScope();
        var objective = new CwcObjective(3, CwcLoss.PvN, Threshold: 2);
        var (t, o) = objective.TrueAndOthers(G(), Y());
        Assert.Equal(new float[] { 3, 4 }, Floats(t));
        Assert.Equal(new float[] { 0.5f, 1.25f }, Floats(o));
        double expected = (Softplus(2 - 3) + Softplus(2 - 4) + Softplus(0.5 - 2) + Softplus(1.25 - 2)) / 4;
        Assert.Equal(expected, objective.LossOf(G(), Y()).item<float>(), 5);
    }

    static IFFLayer Trainer(EpochWindow? window)
    {
        var model = new ModelOptions([784, 10], LayerKind: new CwcKind(new CwcOptions([1, 8, 8], [10, 20])));
        var options = FFNetwork.SpecsFor(model, new OptimizerOptions(LearningRate: 0.01), window is null ? null : [window.Value, window.Value])[1];
        return options.Create(9, CPU);
    }

    [Fact]
    public void A_block_learns_inside_its_ILT_window_and_is_frozen_outside_it()
    {
        using var scope = NewDisposeScope();
        using var trainer = Trainer(new EpochWindow(1, 2));
        using var gen = new Generator(5);
        var x = randn(16, 10 * 8 * 8, generator: gen);
        var y = randint(0, 10, [16], dtype: ScalarType.Int64, generator: gen);
        var (pos, neg) = BatchBuilder.Plain(x);
        var w0 = trainer.Module.parameters().Select(p => p.detach().clone()).ToArray();

        trainer.SetEpoch(0, 3);
        Assert.False(trainer.Learning);
        var (out0, stats0) = trainer.Step(pos, neg, labels: y);
        Assert.Equal([16L, 20, 4, 4], out0.Positive.shape);
        Assert.Equal(0, out0.Negative.shape[0]);
        Assert.True(double.IsFinite(stats0.Loss));
        Assert.All(trainer.Module.parameters().Zip(w0), p => Assert.True(Same(p.First.detach(), p.Second)));

        trainer.SetEpoch(1, 3);
        Assert.True(trainer.Learning);
        trainer.Step(pos, neg, labels: y);
        Assert.Contains(trainer.Module.parameters().Zip(w0), p => !Same(p.First.detach(), p.Second));
        Assert.InRange(stats0.Separation, 0, 1);
        Assert.Throws<ArgumentException>(() => trainer.Step(pos, neg));
    }
}
