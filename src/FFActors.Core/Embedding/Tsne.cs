using FFActors.Core.Platform;
using TorchSharp;
using static TorchSharp.torch;

namespace FFActors.Core.Embedding;

/// <summary>
/// Exact t-SNE in plain TorchSharp: O(n²) memory and time per step, meant for at most a few
/// thousand points. Affinities by a per-point bisection on the Gaussian precision to match the
/// perplexity; Student-t kernel in 2-D; gradient descent with momentum 0.5 → 0.8, per-coordinate
/// gains and early exaggeration.
/// </summary>
public static class Tsne
{
    public static Tensor Embed(Tensor x, TsneOptions options, long seed)
    {
        long n = x.shape[0];
        if (n < 4) throw new ArgumentException($"t-SNE: need at least 4 points, got {n}");
        if (options.Perplexity <= 0 || options.Perplexity >= n - 1)
            throw new ArgumentException($"t-SNE: perplexity {options.Perplexity} must be in (0, {n - 1})");
        using var outer = NewDisposeScope();
        using var _ = no_grad();
        var data = x.to_type(ScalarType.Float64);
        if (options.PcaDimensions > 0 && data.shape[1] > options.PcaDimensions)
            data = Pca.Project(data, options.PcaDimensions).to_type(ScalarType.Float64);
        var p = JointProbabilities(data, options.Perplexity);
        var eye = torch.eye(n, dtype: ScalarType.Bool);
        Scalar S(double v) => KeptScalars.Of(v);

        // The optimisation runs in float32 (P was found in float64): it is memory-bound on n×n matrices.
        p = p.to_type(ScalarType.Float32);
        using var gen = new Generator((ulong)seed);
        var y = randn([n, 2], generator: gen).mul_(S(1e-4));
        var velocity = zeros_like(y);
        var gains = ones_like(y);
        double lr = options.LearningRate > 0 ? options.LearningRate : Math.Max(n / options.Exaggeration / 4, 50);
        for (int it = 0; it < options.Iterations; it++)
        {
            using var step = NewDisposeScope();
            double momentum = it < 250 ? 0.5 : 0.8;
            double exaggeration = it < options.ExaggerationIterations ? options.Exaggeration : 1;
            var sq = y.Squared().sum(1, keepdim: true);
            // num_ij = 1 / (1 + |y_i − y_j|²), q = num / Σnum; gradient_i = 4 Σ_j (p_ij − q_ij) num_ij (y_i − y_j).
            var num = y.matmul(y.t()).mul_(S(-2)).add_(sq, KeptScalars.One).add_(sq.t(), KeptScalars.One).add_(S(1), S(1)).reciprocal_().masked_fill_(eye, S(0));
            var total = num.sum();
            var w = num.mul(p).mul_(S(exaggeration)).sub_(num.mul_(num).div_(total));
            var grad = (w.sum(1, keepdim: true) * y - w.matmul(y)).mul_(S(4));
            // Gains grow where the gradient keeps pushing against the velocity, shrink otherwise.
            var same = grad.sign().eq(velocity.sign());
            gains.copy_(where(same, gains.mul(S(0.8)), gains.add(S(0.2), S(1))).clamp_min_(S(0.01)));
            velocity.mul_(S(momentum)).sub_(gains.mul(grad).mul_(S(lr)));
            y.add_(velocity, KeptScalars.One);
            y.sub_(y.mean([0], keepdim: true));
        }
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Symmetrised P: conditional Gaussian affinities at the requested perplexity, (P + Pᵀ) / 2n.</summary>
    static Tensor JointProbabilities(Tensor data, double perplexity)
    {
        using var scope = NewDisposeScope();
        long n = data.shape[0];
        var sq = data.Squared().sum(1, keepdim: true);
        var d = (sq.add(sq.t(), KeptScalars.One) - data.matmul(data.t()) * KeptScalars.Of(2)).clamp_min_(KeptScalars.Of(0));
        // Scale-free search: bisect the precision β per point on log-space brackets.
        var lo = full([n, 1], KeptScalars.Of(1e-20), dtype: ScalarType.Float64);
        var hi = full([n, 1], KeptScalars.Of(1e20), dtype: ScalarType.Float64);
        var beta = ones([n, 1], dtype: ScalarType.Float64).div_(d.mean([1], keepdim: true).clamp_min_(KeptScalars.Of(1e-12)));
        var eye = torch.eye(n, dtype: ScalarType.Bool);
        double target = Math.Log(perplexity);
        Tensor cond = zeros_like(d);
        // Subtract each row's smallest off-diagonal distance before exponentiating (stable, same P).
        var shifted = d - d.masked_fill(eye, KeptScalars.Of(double.PositiveInfinity)).min(1, keepdim: true).values;
        for (int i = 0; i < 40; i++)
        {
            using var step = NewDisposeScope();
            var k = shifted.mul(beta).neg_().exp_().masked_fill_(eye, KeptScalars.Of(0.0));
            var sum = k.sum(1, keepdim: true).clamp_min_(KeptScalars.Of(1e-300));
            var next = k.div_(sum);
            var entropy = sum.log().add(beta * (next * shifted).sum(1, keepdim: true), KeptScalars.One);
            var tooFlat = entropy.gt(KeptScalars.Of(target));   // entropy too high → raise β
            lo.copy_(where(tooFlat, beta, lo));
            hi.copy_(where(tooFlat, hi, beta));
            beta.copy_((lo * hi).sqrt());
            cond.Dispose();
            cond = next.MoveToOuterDisposeScope();
        }
        var p = cond.add(cond.t(), KeptScalars.One) / KeptScalars.Of(2.0 * n);
        return p.clamp_min_(KeptScalars.Of(1e-12)).MoveToOuterDisposeScope();
    }
}

/// <summary>Settings of exact t-SNE (van der Maaten &amp; Hinton 2008, with the usual optimiser schedule).</summary>
/// <param name="Perplexity">Effective number of neighbours of each point.</param>
/// <param name="Iterations">Gradient steps in all.</param>
/// <param name="PcaDimensions">Inputs are first reduced to this many principal components (0 = no reduction).</param>
/// <param name="Exaggeration">P is multiplied by this for the first <paramref name="ExaggerationIterations"/> steps.</param>
/// <param name="LearningRate">Step size; 0 = max(n / Exaggeration / 4, 50).</param>
public sealed record TsneOptions(
    double Perplexity = 30,
    int Iterations = 500,
    int PcaDimensions = 50,
    double Exaggeration = 12,
    int ExaggerationIterations = 250,
    double LearningRate = 0);
