using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>
/// The reference kernel (autograd, TorchSharp's Adam) is the definition of a dense layer's step; the blocked kernel must
/// follow it: same losses and statistics, weights within float rounding after several Adam steps, under every objective.
/// </summary>
public class DenseKernelTests
{
    public static TheoryData<string> Cases => new() { "mean-softplus", "sum-logistic-peer", "symba", "scff-pairs", "centred-sum-peer", "centred-scff-pairs" };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Blocked_kernel_follows_the_reference(string name)
    {
        using var scope = NewDisposeScope();
        var objective = name switch
        {
            "sum-logistic-peer" => new Objective(GoodnessKind.Sum, 30, LossKind.Logistic),
            "centred-sum-peer" => new Objective(GoodnessKind.Sum, 150, LossKind.Softplus),
            "symba" => new Objective(GoodnessKind.Mean, 2, LossKind.SymBa),
            _ => new Objective(GoodnessKind.Mean, 2, LossKind.Softplus),
        };
        bool pairs = name.EndsWith("scff-pairs");
        var norm = name.StartsWith("centred") ? InputNorm.Centred : InputNorm.L2;
        var spec = new DenseSpec(0, 100, 150, new OptimizerOptions(OptimizerKind.Adam, LearningRate: 0.01), null, norm, objective,
            PeerNorm: name.Contains("peer") ? 0.03 : 0, SharedHalves: pairs);
        using var blocked = spec.Create(5, CPU);
        using var reference = (spec with { Kernel = DenseKernel.Reference }).Create(5, CPU);
        var initial = ((DenseLayer)blocked).Dense.Weight.detach().clone();
        Assert.True(Tensors.Same(initial, ((DenseLayer)reference).Dense.Weight), "both kernels start from the same weights");

        using var gen = new Generator(3);
        for (int step = 0; step < 10; step++)
        {
            using var stepScope = NewDisposeScope();
            var pos = rand([120, pairs ? 200 : 100], generator: gen);
            var neg = rand([120, pairs ? 200 : 100], generator: gen);
            var (outB, statsB) = blocked.Step(pos, neg);
            var (outR, statsR) = reference.Step(pos, neg);
            // Float rounding: relative to the largest activity (centred inputs reach a few units), not to each element.
            double largest = Math.Max(1, outR.Positive.abs().max().item<float>());
            Assert.True(outB.Positive.allclose(outR.Positive, rtol: 1e-4, atol: 1e-5 * largest),
                $"{name}: step {step} activities differ by {outB.Positive.sub(outR.Positive).abs().max().item<float>()} (largest {largest})");
            Assert.Equal(statsR.Loss, statsB.Loss, 3);
            Assert.Equal(statsR.Separation, statsB.Separation, 2);
        }
        var wB = ((DenseLayer)blocked).Dense.Weight;
        var wR = ((DenseLayer)reference).Dense.Weight;
        Assert.False(wB.allclose(initial, rtol: 0, atol: 1e-3), $"{name}: training did not move the weights");
        Assert.True(wB.allclose(wR, rtol: 1e-3, atol: 1e-5), $"{name}: weights differ by {wB.sub(wR).abs().max().item<float>()}");
        Assert.True(blocked.State.allclose(reference.State, rtol: 1e-4, atol: 1e-6), $"{name}: peer-normalisation means differ");
    }

    /// <summary>
    /// bfloat16 matmuls round each product to 8 significant bits: the step follows the reference to that precision
    /// (activities and losses within 1 %), the weights move the reference's way, and they
    /// are not the float32 kernel's bits (the option does change the arithmetic).
    /// </summary>
    [Theory]
    [InlineData("mean-softplus")]
    [InlineData("sum-logistic-peer")]
    public void Bf16_matmuls_follow_the_reference_to_bfloat16_precision(string name)
    {
        using var scope = NewDisposeScope();
        var objective = name == "sum-logistic-peer" ? new Objective(GoodnessKind.Sum, 30, LossKind.Logistic) : new Objective(GoodnessKind.Mean, 2, LossKind.Softplus);
        var spec = new DenseSpec(0, 100, 150, new OptimizerOptions(OptimizerKind.Adam, LearningRate: 0.01), null, InputNorm.L2, objective,
            PeerNorm: name.Contains("peer") ? 0.03 : 0, Kernel: DenseKernel.BlockedBf16);
        using var bf16 = spec.Create(5, CPU);
        using var float32 = (spec with { Kernel = DenseKernel.Blocked }).Create(5, CPU);
        using var reference = (spec with { Kernel = DenseKernel.Reference }).Create(5, CPU);
        var initial = ((DenseLayer)reference).Dense.Weight.detach().clone();
        using var gen = new Generator(3);
        for (int step = 0; step < 10; step++)
        {
            using var stepScope = NewDisposeScope();
            var pos = rand([120, 100], generator: gen);
            var neg = rand([120, 100], generator: gen);
            var (outH, statsH) = bf16.Step(pos, neg);
            float32.Step(pos, neg);
            var (outR, statsR) = reference.Step(pos, neg);
            // Relative to the whole batch's activities: a unit whose gradient is near zero can take an Adam step the other way.
            double off = outH.Positive.sub(outR.Positive).norm().item<float>() / outR.Positive.norm().item<float>();
            Assert.True(off <= 0.01, $"{name}: step {step} activities differ by {off:P2} of their norm");
            Assert.True(Math.Abs(statsH.Loss - statsR.Loss) <= 1e-2 * Math.Max(1, Math.Abs(statsR.Loss)), $"{name}: step {step} loss {statsH.Loss} against {statsR.Loss}");
        }
        var moveH = ((DenseLayer)bf16).Dense.Weight.detach().sub(initial).flatten();
        var moveR = ((DenseLayer)reference).Dense.Weight.detach().sub(initial).flatten();
        double cosine = moveH.dot(moveR).item<float>() / (moveH.norm().item<float>() * moveR.norm().item<float>());
        Assert.True(cosine > 0.95, $"{name}: the bf16 kernel's weight updates point elsewhere than the reference's (cosine {cosine:F4})");
        Assert.False(Tensors.Same(((DenseLayer)bf16).Dense.Weight, ((DenseLayer)float32).Dense.Weight), $"{name}: bf16 matmuls gave the float32 kernel's bits");
    }
}
