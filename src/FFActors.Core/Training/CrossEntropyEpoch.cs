using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Training;

/// <summary>One pass of ordinary supervised training (cross-entropy, backprop through the whole module):
/// the softmax head / linear probe and the backprop baseline both learn this way.</summary>
public static class CrossEntropyEpoch
{
    /// <summary>Trains <paramref name="model"/> once over <paramref name="data"/> in shuffled mini-batches; returns the mean batch loss.</summary>
    /// <param name="afterBatch">Called after each update with the number of batches done this epoch (a benchmark evaluates there).</param>
    public static double Run(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, ILabelledRows data, int batchSize, Generator shuffle,
        Action<int>? afterBatch = null)
    {
        double sum = 0;
        int batches = 0;
        foreach (var (x, y) in data.Batches(batchSize, shuffle))
        {
            using (x)
            using (y)
            using (NewDisposeScope())
            {
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                sum += loss.item<float>();
                batches++;
            }
            afterBatch?.Invoke(batches);
        }
        return sum / Math.Max(1, batches);
    }
}
