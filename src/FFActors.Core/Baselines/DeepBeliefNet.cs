using FFActors.Core.Data;
using FFActors.Core.Layers;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Baselines;

/// <summary>
/// A stack of RBMs with the widths of an FF network (<c>model.layers</c>): RBM ℓ has layer ℓ's input as its visible
/// units and layer ℓ's width as its hidden units. Trained greedily (Hinton, Osindero and Teh 2006): RBM 0 on the data,
/// then RBM ℓ on the hidden probabilities p(h|v) of the frozen RBMs below. One hidden layer is a single RBM. The features
/// of a layer are its hidden probabilities, read out like the FF layers' activities (<see cref="FFDenseLayer.Readout"/>).
/// </summary>
public sealed class DeepBeliefNet : IDisposable
{
    readonly Rbm[] rbms;

    /// <param name="layers">Input size, then the width of each hidden layer.</param>
    public DeepBeliefNet(int[] layers, Generator init, Device? device = null)
    {
        if (layers.Length < 2) throw new ArgumentException("DeepBeliefNet: need an input size and at least one hidden layer");
        rbms = Enumerable.Range(0, layers.Length - 1).Select(l => new Rbm(layers[l], layers[l + 1], init, device)).ToArray();
    }

    public IReadOnlyList<Rbm> Layers => rbms;

    public int LayerCount => rbms.Length;

    /// <summary>Hidden probabilities of every layer for x [B, input], each layer reading the probabilities below (no autograd).</summary>
    public List<Tensor> Activities(Tensor x, int upTo = int.MaxValue)
    {
        using var _ = no_grad();
        var result = new List<Tensor>();
        var v = x;
        for (int l = 0; l < rbms.Length && l <= upTo; l++)
        {
            v = rbms[l].HiddenProbabilities(v);
            result.Add(v);
        }
        return result;
    }

    /// <summary>The concatenated, normalised hidden probabilities of <paramref name="layers"/> (as the other feature arms read theirs).</summary>
    public Tensor Features(Tensor x, int[] layers, InputNorm norm)
    {
        using var scope = NewDisposeScope();
        var acts = Activities(x, layers.Max());
        return cat(layers.Select(l => FFDenseLayer.Readout(acts[l], norm)).ToArray(), 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Greedy training: each RBM for <c>options.Epochs</c> passes over <paramref name="train"/> (shuffled by
    /// <paramref name="order"/>), its Gibbs chains drawn from <paramref name="gibbs"/>. Returns the mean reconstruction
    /// error of every epoch, layer by layer (the curve of layer ℓ is <c>[ℓ]</c>).
    /// </summary>
    public double[][] Fit(Dataset train, RbmOptions options, Generator order, Generator gibbs, Action<int, int, double>? onEpoch = null)
    {
        // The whole split once (a stored image split decodes it): checked, then the visible biases start from it.
        using (var all = train.All())
        {
            using (NewDisposeScope())
                if (all.min().item<float>() < 0 || all.max().item<float>() > 1)
                    throw new ArgumentException("RBM: visible units read pixel intensities in [0, 1] (data.normalization = unit)");
            rbms[0].InitVisibleBias(all);
        }
        var curves = new double[rbms.Length][];
        for (int l = 0; l < rbms.Length; l++)
        {
            curves[l] = new double[options.Epochs];
            for (int e = 0; e < options.Epochs; e++)
            {
                double sum = 0;
                int batches = 0;
                foreach (var (x, y) in train.Batches(options.BatchSize, order))
                {
                    using (x)
                    using (y)
                    using (NewDisposeScope())
                    {
                        var v = l == 0 ? x : Activities(x, l - 1)[l - 1];
                        sum += rbms[l].Step(v, options, options.MomentumAt(e), gibbs);
                        batches++;
                    }
                }
                curves[l][e] = sum / Math.Max(1, batches);
                onEpoch?.Invoke(l, e, curves[l][e]);
            }
        }
        return curves;
    }

    public void Dispose()
    {
        foreach (var r in rbms) r.Dispose();
    }
}
