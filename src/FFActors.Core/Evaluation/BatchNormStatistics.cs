using FFActors.Core.Data;
using FFActors.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// The running statistics of a frozen network's BatchNorm modules, estimated again on other data
/// (AdaBN, Li et al. 2016). A BatchNorm layer evaluated on a new dataset divides by the source's
/// running variance: where a channel barely varied on the source (MNIST's blank background) and
/// does on the target (Fashion-MNIST's textures), its feature grows by orders of magnitude, and
/// a linear probe trained on such features depends on how large they happen to be in each seed.
/// The weights, and the BatchNorm affine parameters, are left as they are.
/// </summary>
public static class BatchNormStatistics
{
    /// <summary>Whether any layer of the network holds BatchNorm statistics.</summary>
    public static bool Has(FFNetwork net) => net.Layers.Any(l => Norms(l.Module).Any());

    /// <summary>
    /// Replaces every BatchNorm module's running mean and variance by their average over the batches of
    /// <paramref name="data"/> (batches of <paramref name="batchSize"/>; each batch's mean and unbiased variance of the
    /// module's input, the layers below normalising by that batch's statistics as in training). With batches of equal
    /// size the mean is the data's exact mean. The network is left in evaluation mode.
    /// </summary>
    public static void Recompute(FFNetwork net, Dataset data, int batchSize)
    {
        using var _ = no_grad();
        var norms = net.Layers.SelectMany(l => Norms(l.Module)).ToArray();
        foreach (var n in norms)
        {
            n.reset_running_stats();
            n.momentum = null; // null: a cumulative average over the batches instead of an exponential one
        }
        try
        {
            foreach (var l in net.Layers) l.Module.train();
            foreach (var (x, y) in data.Batches(batchSize, null))
            {
                using var scope = NewDisposeScope();
                using (x) using (y)
                {
                    var h = x;
                    foreach (var l in net.Layers) h = l.Module.forward(h);
                }
            }
        }
        finally
        {
            foreach (var l in net.Layers) l.Module.eval();
            foreach (var n in norms) n.momentum = 0.1;
        }
    }

    static IEnumerable<BatchNorm> Norms(nn.Module module) => module.modules().OfType<BatchNorm>();
}
