using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// A trained network's generative circuit run top-down, outside the actors: each layer's generator predicts the layer
/// below from the prediction above it, from the top layer's activities (reconstruction) or from a latent vector drawn
/// from a prior fitted to the inferred latents of the training data (generation). Exists for networks whose layers all
/// generate (<see cref="IGenerativeLayer"/>) and whose top layer has a latent.
/// </summary>
public sealed class GenerativeCircuit
{
    readonly FFNetwork net;
    readonly IGenerativeLayer[] layers;

    GenerativeCircuit(FFNetwork net, IGenerativeLayer[] layers) => (this.net, this.layers) = (net, layers);

    /// <summary>The circuit of <paramref name="net"/>, or null when its layers do not all generate.</summary>
    public static GenerativeCircuit? Of(FFNetwork net)
    {
        var layers = net.Layers.OfType<IGenerativeLayer>().ToArray();
        if (layers.Length == 0 || layers.Length != net.Layers.Count || layers[^1].LatentSize == 0) return null;
        return new GenerativeCircuit(net, layers);
    }

    public int LatentSize => layers[^1].LatentSize;

    /// <summary>The data predicted top-down from top-layer activities (or their prediction) <paramref name="top"/>.</summary>
    public Tensor Down(Tensor top)
    {
        var h = top;
        for (int l = layers.Length - 1; l >= 0; l--) h = layers[l].PredictInput(h);
        return h;
    }

    /// <summary>Inputs <paramref name="x"/> (as the network reads them) up through the representation and back down.</summary>
    public Tensor Reconstruct(Tensor x) => Down(net.Activities(x)[^1]);

    /// <summary>Data generated from latent vectors <paramref name="z"/>.</summary>
    public Tensor Decode(Tensor z) => Down(layers[^1].PredictFromLatent(z));

    /// <summary>The inferred latents of inputs <paramref name="x"/>.</summary>
    public Tensor Latents(Tensor x) => layers[^1].InferLatent(net.Activities(x)[^1]);

    /// <summary>
    /// The labelled counterpart of the reference's latent mixture prior: one Gaussian (mean, full covariance) per class,
    /// fitted to the inferred latents of the first <paramref name="samples"/> training images under their true label.
    /// </summary>
    public LatentPrior FitPrior(Dataset train, LabelOverlay overlay, int classes, int samples = 10_000, int batch = 1000)
    {
        int n = Math.Min(samples, train.Count);
        using var scope = NewDisposeScope();
        var parts = new List<Tensor>();
        for (int start = 0; start < n; start += batch)
        {
            int count = Math.Min(batch, n - start);
            var x = train.Rows(start, count);
            parts.Add(Latents(overlay.Apply(x, train.Labels.narrow(0, start, count))));
        }
        var z = cat(parts).to(ScalarType.Float64);
        var labels = train.Labels.narrow(0, 0, n);
        var means = new List<Tensor>();
        var factors = new List<Tensor>();
        long d = z.shape[1];
        for (int c = 0; c < classes; c++)
        {
            var zc = z.index(labels.eq(KeptScalars.Of(c)));
            if (zc.shape[0] < 2) throw new ArgumentException($"generative prior: class {c} has {zc.shape[0]} of the first {n} training images; need 2");
            var mean = zc.mean([0]);
            var centred = zc.sub(mean);
            var cov = centred.t().matmul(centred).div(KeptScalars.Of(zc.shape[0] - 1));
            // A small ridge keeps the factor defined when a class's latents span fewer than d directions.
            cov = cov.add(eye(d, dtype: ScalarType.Float64).mul(cov.diagonal().mean().mul(KeptScalars.Of(1e-4)).add(KeptScalars.Of(1e-12), KeptScalars.One)), KeptScalars.One);
            means.Add(mean);
            factors.Add(linalg.cholesky(cov));
        }
        return new LatentPrior(stack(means).to(ScalarType.Float32).DetachFromDisposeScope(), stack(factors).to(ScalarType.Float32).DetachFromDisposeScope());
    }

    /// <summary>
    /// Mean squared error per input feature, on the [0, 1] pixel scale, of the test inputs (under their true label) against
    /// their top-down reconstruction clamped to [0, 1]; and, as a yardstick, of the same inputs against the mean of (up to) the first 10 000 training inputs.
    /// </summary>
    public (double Reconstruction, double MeanImage) ReconstructionError(Dataset train, Dataset test, LabelOverlay overlay,
        Func<Tensor, Tensor> toPixels, int batch = 1000)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        int m = Math.Min(train.Count, 10_000);
        var mean = toPixels(overlay.Apply(train.Rows(0, m), train.Labels.narrow(0, 0, m)).narrow(1, 0, train.Features)).mean([0]);
        double sum = 0, baseline = 0;
        for (int start = 0; start < test.Count; start += batch)
            using (NewDisposeScope())
            {
                int count = Math.Min(batch, test.Count - start);
                var x = overlay.Apply(test.Rows(start, count), test.Labels.narrow(0, start, count));
                // The image's columns only: a label block after them (model.label-input = block) is not part of the picture.
                var pixels = toPixels(x.narrow(1, 0, test.Features));
                var rebuilt = toPixels(Reconstruct(x).narrow(1, 0, test.Features)).clamp(KeptScalars.Of(0.0), KeptScalars.One);
                sum += rebuilt.sub(pixels).Squared().sum().item<float>();
                baseline += pixels.sub(mean).Squared().sum().item<float>();
            }
        double features = (double)test.Count * test.Features;
        return (sum / features, baseline / features);
    }
}

/// <summary>One Gaussian per class over the top latent: means [C, d] and Cholesky factors [C, d, d] of the covariances.</summary>
public sealed class LatentPrior(Tensor means, Tensor factors) : IDisposable
{
    public Tensor Means { get; } = means;

    public Tensor Factors { get; } = factors;

    public int Classes => (int)Means.shape[0];

    /// <summary>One latent per entry of <paramref name="classes"/>, drawn from that class's Gaussian: μ_c + L_c ε.</summary>
    public Tensor Sample(int[] classes, Generator random)
    {
        using var scope = NewDisposeScope();
        var index = tensor(classes.Select(c => (long)c).ToArray());
        var eps = randn([classes.Length, Means.shape[1], 1], generator: random);
        return Means.index_select(0, index).add(Factors.index_select(0, index).matmul(eps).squeeze(2), KeptScalars.One).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Means.Dispose();
        Factors.Dispose();
    }
}
