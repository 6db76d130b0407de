using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Layers;
using FFActors.Core.Training;
using FFActors.Core.Platform;
using BatchNorm = TorchSharp.Modules.BatchNorm;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>Estimating a frozen network's BatchNorm statistics again on other data (the transfer protocol's CwC-FF arms).</summary>
public class BatchNormStatisticsTests
{
    static FFNetwork Cwc(long seed) =>
        new(new ModelOptions([64], LayerKind: new CwcKind(new CwcOptions([1, 8, 8], [10, 20]))), new FFActors.Core.Training.OptimizerOptions(), seed, CPU);

    static BatchNorm Norm(IFFLayer layer) => layer.Module.modules().OfType<BatchNorm>().Single();

    [Fact]
    public void Statistics_become_the_mean_and_variance_of_each_block_input_over_the_data()
    {
        using var scope = NewDisposeScope();
        using var net = Cwc(5);
        using var gen = new Generator(11);
        // A target whose scale differs from anything the (untrained, identity) statistics describe.
        var images = randn(300, 64, generator: gen).mul(KeptScalars.Of(3.0)).add(KeptScalars.Of(2.0), KeptScalars.One);
        using var data = new Dataset("target", images, zeros(300, dtype: ScalarType.Int64));

        Assert.True(BatchNormStatistics.Has(net));
        BatchNormStatistics.Recompute(net, data, batchSize: 60);

        // Block 0's BatchNorm sees ReLU(conv(x)); block 1's sees that of block 0's output, normalised with the new statistics.
        using (no_grad())
        {
            var (_, activity0) = ((CwcBlock)net.Layers[0].Module).ForwardWithActivity(images);
            var norm0 = Norm(net.Layers[0]);
            Assert.True(norm0.running_mean!.allclose(activity0.mean([0, 2, 3]), rtol: 1e-4, atol: 1e-5));
            // Equal batches: the mean is exact; the variance is the average of the five batches' unbiased variances.
            var batchVar = stack(Enumerable.Range(0, 5).Select(b => activity0.narrow(0, 60 * b, 60).var([0, 2, 3], unbiased: true)).ToArray()).mean([0]);
            Assert.True(norm0.running_var!.allclose(batchVar, rtol: 1e-3, atol: 1e-5));
            var out0 = net.Layers[0].Forward(images);
            var (_, activity1) = ((CwcBlock)net.Layers[1].Module).ForwardWithActivity(out0);
            // Block 1 saw block 0's output normalised by each batch's own statistics while they were estimated, so only close.
            Assert.True(Norm(net.Layers[1]).running_mean!.allclose(activity1.mean([0, 2, 3]), rtol: 0.05, atol: 1e-3));
            // In evaluation mode again, so the normalised outputs have zero mean per channel over the data.
            Assert.False(net.Layers[0].Module.training);
            Assert.True(out0.mean([0, 2, 3]).abs().max().item<float>() < 1e-3f);
        }
    }

    [Fact]
    public void Weights_and_affine_parameters_are_left_as_they_were_and_dense_networks_have_no_statistics()
    {
        using var scope = NewDisposeScope();
        using var net = Cwc(6);
        var before = net.Layers.SelectMany(l => l.Module.parameters()).Select(p => p.detach().clone()).ToArray();
        using var data = new Dataset("target", rand(100, 64), zeros(100, dtype: ScalarType.Int64));
        BatchNormStatistics.Recompute(net, data, batchSize: 32);
        var after = net.Layers.SelectMany(l => l.Module.parameters()).ToArray();
        Assert.All(before.Zip(after), p => Assert.True(FFActors.TestSupport.Tensors.Same(p.First, p.Second.detach())));

        using var dense = new FFNetwork(new ModelOptions([64, 16, 16]), new FFActors.Core.Training.OptimizerOptions(), 1, CPU);
        Assert.False(BatchNormStatistics.Has(dense));
    }
}
