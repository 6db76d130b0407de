using FFActors.Core.Kernels;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>
/// A learning dense layer runs its matmuls outside autograd, in row blocks (GemmChunks), with an explicit backward.
/// These tests hold it to autograd's gradients and show that who runs the blocks does not change a bit.
/// </summary>
public class DenseBackwardTests
{
    static DenseSpec Options(int inputs, int outputs, Objective objective, double peerNorm = 0, bool sharedHalves = false,
        OptimizerOptions? optimizer = null) =>
        new(0, inputs, outputs, optimizer ?? new OptimizerOptions(OptimizerKind.Sgd, LearningRate: 1, Momentum: 0), null, InputNorm.L2, objective,
            peerNorm, sharedHalves);

    // "…-partials": 700 positives and 500 negatives, so the weight gradient comes from two partial GEMMs and the
    // positives' peer-normalisation term crosses the border between them.
    public static TheoryData<string> Cases => new()
    {
        "mean-softplus", "sum-logistic-peer", "symba", "gated-collaboration", "scff-pairs", "mean-softplus-partials", "sum-logistic-peer-partials",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Explicit_backward_gives_autograds_gradients(string name)
    {
        using var scope = NewDisposeScope();
        var objective = name.Replace("-partials", "") switch
        {
            "sum-logistic-peer" => new Objective(GoodnessKind.Sum, 30, LossKind.Logistic),
            "symba" => new Objective(GoodnessKind.Mean, 2, LossKind.SymBa),
            "gated-collaboration" => new Objective(GoodnessKind.Mean, 2, LossKind.Softplus, Remedy: CollaborationRemedy.HardnessGated),
            _ => new Objective(GoodnessKind.Mean, 2, LossKind.Softplus),
        };
        bool pairs = name == "scff-pairs";
        double peer = name.StartsWith("sum-logistic-peer") ? 0.03 : 0;
        var options = Options(100, 150, objective, peer, sharedHalves: pairs);
        using var gen = new Generator(3);
        int width = pairs ? 200 : 100;
        bool partials = name.EndsWith("-partials");
        var pos = rand([partials ? 700 : 130, width], generator: gen);
        var neg = rand([partials ? 500 : 130, width], generator: gen);
        Assert.Equal(partials ? 2 : 1, GemmChunks.Partials(pos.shape[0] + neg.shape[0]));
        Tensor? cPos = null, cNeg = null;
        if (name == "gated-collaboration")
        {
            cPos = rand([130], generator: gen).mul(KeptScalars.Of(2.0));
            cNeg = rand([130], generator: gen).mul(KeptScalars.Of(2.0));
        }

        using var trainer = options.Create(11, CPU);
        using var reference = options.Create(11, CPU);
        var before = trainer.Layer.Weight.detach().clone();
        var beforeBias = trainer.Layer.Bias.detach().clone();
        trainer.Step(pos, neg, cPos, cNeg);

        // Autograd through the module's own forward, the same loss and peer normalisation.
        var layer = reference.Layer;
        var hPos = layer.forward(pos);
        var hNeg = layer.forward(neg);
        var loss = objective.LossOf(objective.GoodnessOf(hPos), objective.GoodnessOf(hNeg), cPos, cNeg);
        if (peer > 0)
        {
            var mean = full([150], KeptScalars.Of(0.5f)).mul(KeptScalars.Of(0.9)).add(hPos.mean([0]).mul(KeptScalars.Of(0.1)), KeptScalars.One);
            loss = loss.add((mean.mean() - mean).square().mean().mul(KeptScalars.Of(peer)), KeptScalars.One);
        }
        loss.backward();

        var stepW = before - trainer.Layer.Weight.detach();
        var stepB = beforeBias - trainer.Layer.Bias.detach();
        Assert.True(layer.Weight.grad!.abs().max().item<float>() > 1e-6f, "the reference gradient is not zero");
        Assert.True(stepW.allclose(layer.Weight.grad!, rtol: 1e-4, atol: 1e-7), $"{name}: weight gradient differs from autograd's");
        Assert.True(stepB.allclose(layer.Bias.grad!, rtol: 1e-4, atol: 1e-7), $"{name}: bias gradient differs from autograd's");
    }

    /// <summary>Runs the chunks in reverse order, each on a thread of its own (one intra-op thread, as pipeline lanes).</summary>
    sealed class ThreadPerChunk : IChunkRunner
    {
        public int SplitCalls;

        public void Run(int count, Action<int> chunk)
        {
            if (count > 1) SplitCalls++;
            for (int i = count - 1; i >= 0; i--)
            {
                int k = i;
                Exception? failure = null;
                var thread = new Thread(() =>
                {
                    try
                    {
                        IntraOpThreads.Set(1);
                        chunk(k);
                    }
                    catch (Exception e)
                    {
                        failure = e;
                    }
                });
                thread.Start();
                thread.Join();
                if (failure is not null) throw failure;
            }
        }
    }

    [Fact]
    public void Whoever_runs_the_row_blocks_the_weights_are_bitwise_the_same()
    {
        using var scope = NewDisposeScope();
        var options = Options(256, 200, new Objective(GoodnessKind.Mean, 2, LossKind.Softplus), peerNorm: 0.03,
            optimizer: new OptimizerOptions(LearningRate: 0.01));
        using var inline = options.Create(5, CPU);
        using var shared = options.Create(5, CPU);
        var runner = new ThreadPerChunk();
        shared.Chunks = runner;
        using var gen = new Generator(9);
        for (int step = 0; step < 3; step++)
        {
            using var s = NewDisposeScope();
            var pos = rand([600, 256], generator: gen);
            var neg = rand([600, 256], generator: gen);
            var (a, _) = inline.Step(pos, neg);
            var (b, _) = shared.Step(pos, neg);
            Assert.True(Tensors.Same(a.Positive, b.Positive), $"step {step}: outputs differ");
        }
        Assert.Equal(9, runner.SplitCalls); // a forward, a weight-gradient and an Adam job per step, each in several blocks
        Assert.True(Tensors.Same(inline.Layer.Weight, shared.Layer.Weight), "weights differ");
        Assert.True(Tensors.Same(inline.Layer.Bias, shared.Layer.Bias), "biases differ");
        using var initial = options.Create(5, CPU);
        Assert.False(Tensors.Same(inline.Layer.Weight, initial.Layer.Weight), "training did not move the weights");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(100)]
    [InlineData(500)]
    [InlineData(1000)]
    [InlineData(1001)]
    public void Row_blocks_cover_every_row_once_and_stay_gemm_sized(int rows)
    {
        int count = GemmChunks.Count(rows);
        Assert.InRange(count, 1, GemmChunks.MaxChunks);
        var lengths = Tiling(rows, count, k => GemmChunks.Bounds(rows, k));
        for (int k = 0; k < count; k++)
        {
            Assert.True(lengths[k] >= 1);
            if (k < count - 1) Assert.True(lengths[k] >= GemmChunks.MinRows, $"block {k} of {rows} rows has {lengths[k]}");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(200)]
    [InlineData(999)]
    [InlineData(1000)]
    [InlineData(2000)]
    [InlineData(2001)]
    [InlineData(20000)]
    public void Gradient_partials_cover_every_row_once_and_stay_large(int rows)
    {
        int count = GemmChunks.Partials(rows);
        Assert.InRange(count, 1, GemmChunks.MaxPartials);
        if (rows >= 2 * GemmChunks.MinPartialRows) Assert.Equal(GemmChunks.MaxPartials, count);
        var lengths = Tiling(rows, count, k => GemmChunks.PartialBounds(rows, k));
        for (int k = 0; k < count; k++)
            if (count > 1) Assert.True(lengths[k] >= GemmChunks.MinPartialRows, $"partial {k} of {rows} rows has {lengths[k]}");
    }

    /// <summary>Asserts that blocks 0 … count − 1 follow each other and cover rows [0, <paramref name="rows"/>); returns their lengths.</summary>
    static long[] Tiling(long rows, int count, Func<int, (long Start, long Length)> bounds)
    {
        var lengths = new long[count];
        long next = 0;
        for (int k = 0; k < count; k++)
        {
            var (start, length) = bounds(k);
            Assert.Equal(next, start);
            lengths[k] = length;
            next = start + length;
        }
        Assert.Equal(rows, next);
        return lengths;
    }
}
