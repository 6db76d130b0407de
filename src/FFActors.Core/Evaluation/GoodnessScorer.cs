using FFActors.Core.Platform;
using FFActors.Core.Data;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// Classifies by trying every label: overlay label c, run the layers, sum the goodness of the
/// chosen layers; the prediction is the label with the highest total.
/// </summary>
public static class GoodnessScorer
{
    /// <summary>Scores [B, classes] for images x [B, F].</summary>
    public static Tensor Scores(FFNetwork net, Tensor x, LabelOverlay overlay, int[] layers)
    {
        using var _ = no_grad();
        int deepest = layers.Max();
        if (net.LabelDriven)
        {
            // CwC-FF's GA prediction: one pass of the plain images, the class-goodness matrices of the chosen layers summed.
            using var scope = NewDisposeScope();
            var acts = net.Activities(x, deepest);
            var sum = zeros([x.shape[0], overlay.Classes], device: x.device);
            foreach (int l in layers) sum = sum.add(net.Layers[l].Score(acts[l]), KeptScalars.One);
            return sum.MoveToOuterDisposeScope();
        }
        var columns = new Tensor[overlay.Classes];
        for (int c = 0; c < overlay.Classes; c++)
        {
            using var scope = NewDisposeScope();
            var total = zeros([x.shape[0]], device: x.device);
            if (net.Layers[0].Spec.TopDown is { } schedule)
            {
                // Every layer iterates with the layer above; each score layer's goodness summed over the scored iterations.
                foreach (var g in TopDownIterations.Score(net.Layers, schedule, overlay.Apply(x, c), layers)) total = total.add(g, KeptScalars.One);
            }
            else
            {
                var acts = net.Activities(overlay.Apply(x, c), deepest);
                foreach (int l in layers) total = total.add(net.Layers[l].Score(acts[l]), KeptScalars.One);
            }
            columns[c] = total.MoveToOuterDisposeScope();
        }
        return stack(columns, 1);
    }

    public static double Accuracy(FFNetwork net, Dataset data, LabelOverlay overlay, int[] layers, int batchSize)
    {
        long correct = 0;
        foreach (var (x, y) in data.Batches(batchSize, null))
        {
            using (x)
            using (y)
            using (NewDisposeScope())
            {
                correct += Scores(net, x, overlay, layers).argmax(1).eq(y).sum().item<long>();
            }
        }
        return (double)correct / data.Count;
    }
}
