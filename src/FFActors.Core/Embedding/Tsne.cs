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

        using var gen = new Generator((ulong)seed);
        var y = randn([n, 2], dtype: ScalarType.Float64, generator: gen).mul_(1e-4);
        var velocity = zeros_like(y);
        var gains = ones_like(y);
        double lr = options.LearningRate > 0 ? options.LearningRate : Math.Max(n / options.Exaggeration / 4, 50);
        for (int it = 0; it < options.Iterations; it++)
        {
            using var step = NewDisposeScope();
            double momentum = it < 250 ? 0.5 : 0.8;
            var pEff = it < options.ExaggerationIterations ? p.mul(S(options.Exaggeration)) : p;
            var sq = y.square().sum(1, keepdim: true);
            var num = (sq + sq.t() - y.matmul(y.t()).mul(S(2))).add_(S(1), S(1)).reciprocal_().masked_fill_(eye, S(0));
            var q = num.div(num.sum()).clamp_min_(S(1e-12));
            var w = (pEff - q) * num;
            var grad = (w.sum(1, keepdim: true) * y - w.matmul(y)).mul(S(4));
            // Gains grow where the gradient keeps pushing against the velocity, shrink otherwise.
            var same = grad.sign().eq(velocity.sign());
            gains.copy_(where(same, gains.mul(S(0.8)), gains.add(S(0.2), S(1))).clamp_min_(S(0.01)));
            velocity.copy_(velocity.mul(S(momentum)) - gains * grad.mul(S(lr)));
            y.add_(velocity);
            y.sub_(y.mean([0], keepdim: true));
        }
        return y.to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Symmetrised P: conditional Gaussian affinities at the requested perplexity, (P + Pᵀ) / 2n.</summary>
    static Tensor JointProbabilities(Tensor data, double perplexity)
    {
        using var scope = NewDisposeScope();
        long n = data.shape[0];
        var sq = data.square().sum(1, keepdim: true);
        var d = (sq + sq.t() - data.matmul(data.t()) * 2).clamp_min_(0);
        // Scale-free search: bisect the precision β per point on log-space brackets.
        var lo = full([n, 1], 1e-20, dtype: ScalarType.Float64);
        var hi = full([n, 1], 1e20, dtype: ScalarType.Float64);
        var beta = ones([n, 1], dtype: ScalarType.Float64).div_(d.mean([1], keepdim: true).clamp_min_(1e-12));
        var eye = torch.eye(n, dtype: ScalarType.Bool);
        double target = Math.Log(perplexity);
        Tensor cond = zeros_like(d);
        for (int i = 0; i < 64; i++)
        {
            // Subtract each row's smallest off-diagonal distance before exponentiating (stable, same P).
            var shifted = d - d.masked_fill(eye, double.PositiveInfinity).min(1, keepdim: true).values;
            var k = (-shifted * beta).exp().masked_fill(eye, 0);
            var sum = k.sum(1, keepdim: true).clamp_min_(1e-300);
            cond = k / sum;
            var entropy = sum.log() + beta * (cond * shifted).sum(1, keepdim: true);
            var tooFlat = entropy.gt(target);          // entropy too high → raise β
            lo = where(tooFlat, beta, lo);
            hi = where(tooFlat, hi, beta);
            beta = (lo * hi).sqrt();
        }
        var p = (cond + cond.t()) / (2.0 * n);
        return p.clamp_min_(1e-12).MoveToOuterDisposeScope();
    }
}
