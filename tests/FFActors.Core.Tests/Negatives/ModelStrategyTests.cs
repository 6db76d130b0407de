using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Negatives;
using FFActors.Core.Platform;
using static TorchSharp.torch;
using static FFActors.Core.Tests.Negatives.NegativeTestKit;

namespace FFActors.Core.Tests.Negatives;

/// <summary>Strategies that read the current network: hard labels, adversarial, hard mining; and the network view.</summary>
public class ModelStrategyTests
{
    const int Features = 40;
    static readonly LabelOverlay Overlay = new(Value: 2.5);

    /// <summary>Images whose pixel 10 (the first after the slots) holds the row id, so a scripted model can tell rows apart.</summary>
    static Tensor WithIds(Tensor images)
    {
        var x = images.clone();
        x.narrow(1, Classes, 1).copy_(arange(KeptScalars.Of(x.shape[0]), dtype: ScalarType.Float32).unsqueeze(1));
        return x;
    }

    static long[] Ids(Tensor images) => Longs(images.narrow(1, Classes, 1).squeeze(1).round().to(ScalarType.Int64));

    [Fact]
    public void Network_view_matches_the_goodness_scorer()
    {
        using var scope = NewDisposeScope();
        using var net = Network(Features);
        var (x, _) = MakeData(20, Features, 1);
        var view = new NetworkView(net, [1, 0, 1]);
        Assert.Equal(new[] { 0, 1 }, view.Layers);
        var expected = GoodnessScorer.Scores(net, x, Overlay, [0, 1]);
        var scores = ((INegativeModel)view).Scores(x, Overlay);
        Assert.True(scores.allclose(expected, rtol: 1e-6, atol: 1e-6));
        view.Layers = [1];
        Assert.True(((INegativeModel)view).Scores(x, Overlay).allclose(GoodnessScorer.Scores(net, x, Overlay, [1]), rtol: 1e-6, atol: 1e-6));
        Assert.Throws<ArgumentException>(() => view.Layers = [2]);
        Assert.Throws<ArgumentException>(() => new NetworkView(net, []));
    }

    [Fact]
    public void Hard_labels_follow_the_softmax_of_goodness_over_the_wrong_labels()
    {
        using var scope = NewDisposeScope();
        const int rows = 9000;
        var x = zeros([rows, Features]);
        var y = zeros([rows], dtype: ScalarType.Int64); // every anchor is class 0
        // Goodness of label c is log c (c ≥ 1), and the true label scores highest of all: it must
        // still never be drawn, and label c must come up with probability c / 45.
        var logits = tensor(Enumerable.Range(0, Classes).Select(c => c == 0 ? 100f : MathF.Log(c)).ToArray());
        var model = new ScriptedModel(images => logits.unsqueeze(0).expand(images.shape[0], Classes).clone());
        var s = new HardLabelNegatives(Overlay);
        using var g = new Generator(1);
        var neg = s.Generate(Batch(s, x, y, Overlay, model), g);
        var (labels, oneHot) = CarriedLabels(neg, 2.5f);
        Assert.All(oneHot, Assert.True);
        var counts = new int[Classes];
        foreach (var l in labels) counts[l]++;
        Assert.Equal(0, counts[0]);
        for (int c = 1; c < Classes; c++)
        {
            double p = c / 45.0, sd = Math.Sqrt(rows * p * (1 - p));
            Assert.InRange(counts[c], rows * p - 5 * sd, rows * p + 5 * sd);
        }
        // A low temperature turns it into "the most confusable wrong label".
        var sharp = new HardLabelNegatives(Overlay, temperature: 0.01);
        var (hard, _) = CarriedLabels(sharp.Generate(Batch(sharp, x, y, Overlay, model), g), 2.5f);
        Assert.All(hard, l => Assert.Equal(9L, l));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HardLabelNegatives(Overlay, 0));
    }

    [Fact]
    public void Hard_labels_depend_on_each_rows_scores()
    {
        using var scope = NewDisposeScope();
        const int rows = 100;
        var (x0, y) = MakeData(rows, Features, 2);
        var x = WithIds(x0);
        // Row r strongly prefers label (y_r + 1 + r mod 9) mod C.
        var truth = Longs(y);
        var favourite = Enumerable.Range(0, rows).Select(r => (truth[r] + 1 + r % 9) % Classes).ToArray();
        var model = new ScriptedModel(images =>
        {
            var ids = Ids(images);
            var table = zeros([images.shape[0], Classes]);
            for (int i = 0; i < ids.Length; i++) table[i, favourite[ids[i]]].fill_(KeptScalars.Of(50f));
            return table;
        });
        var s = new HardLabelNegatives(Overlay);
        using var g = new Generator(3);
        var (labels, _) = CarriedLabels(s.Generate(Batch(s, x, y, Overlay, model), g), 2.5f);
        Assert.Equal(favourite, labels);
        Assert.Equal(1, model.ScoreCalls);
    }

    [Theory]
    [InlineData(5, null)]
    [InlineData(1, null)]   // FGSM: one step of size ε
    [InlineData(10, 0.02)]
    public void Adversarial_increases_the_given_networks_goodness_and_stays_in_the_epsilon_ball(int steps, double? step)
    {
        using var scope = NewDisposeScope();
        const int rows = 50;
        const double epsilon = 0.2;
        using var net = Network(Features, seed: 9);
        var view = new NetworkView(net, [0, 1]);
        var (x, y) = MakeData(rows, Features, 4);
        var overlay = new LabelOverlay(); // on value = batch max: the start must use the positives' value
        var s = new AdversarialNegatives(overlay, epsilon, steps, step);
        if (steps == 1) Assert.Equal(epsilon, s.Step);
        var batch = Batch(s, x, y, overlay, view);
        using var g = new Generator(5);
        Tensor neg;
        using (no_grad()) neg = s.Generate(batch, g); // works even when the caller disabled autograd

        float on = x.max().item<float>();
        var (wrong, oneHot) = CarriedLabels(neg, on);
        Assert.All(oneHot, Assert.True);
        var truth = Longs(y);
        for (int i = 0; i < rows; i++) Assert.NotEqual(truth[i], wrong[i]);
        var start = overlay.Apply(x, tensor(wrong));
        Assert.True(Tensors.Same(neg.narrow(1, 0, Classes), start.narrow(1, 0, Classes)));       // slots untouched
        Assert.True((neg - start).abs().max().item<float>() <= epsilon + 1e-5);                      // in the ball
        Assert.True(neg.min().item<float>() >= x.narrow(1, Classes, Features - Classes).min().item<float>() - 1e-6); // clipped to the data range

        using var _ = no_grad();
        var gStart = view.Goodness(start);
        var gAdv = view.Goodness(neg);
        Assert.True((gAdv >= gStart).all().item<bool>(), "no row may lose goodness");
        double gain = (gAdv - gStart).mean().item<float>() / gStart.mean().item<float>();
        Assert.True(gain > 0.05, $"mean goodness gain {gain:P1} is too small for an attack");
        Assert.True((gAdv > gStart).to(ScalarType.Float32).mean().item<float>() > 0.9f);
        // The attack must not leave gradients in the network's parameters.
        foreach (var layer in net.Layers)
            Assert.True(layer.Layer.Weight.grad is not { } grad || grad.abs().max().item<float>() == 0);
    }

    [Fact]
    public void Adversarial_random_start_is_deterministic_and_parameters_are_checked()
    {
        using var scope = NewDisposeScope();
        using var net = Network(Features);
        var view = new NetworkView(net, [1]);
        var (x, y) = MakeData(20, Features, 6);
        var s = (AdversarialNegatives)NegativeStrategies.Create("adversarial", Overlay,
            new Dictionary<string, double> { ["epsilon"] = 0.3, ["steps"] = 3, ["random-start"] = 1, ["clip"] = 0 });
        Assert.True(s.RandomStart);
        Assert.False(s.ClipToDataRange);
        Assert.Equal(0.25, s.Step, 12);
        using var g1 = new Generator(7);
        using var g2 = new Generator(7);
        var batch = Batch(s, x, y, Overlay, view);
        Assert.True(Tensors.Same(s.Generate(batch, g1), s.Generate(batch, g2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdversarialNegatives(Overlay, epsilon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdversarialNegatives(Overlay, steps: 0));
    }

    /// <summary>Scores [N, C] from a fixed table indexed by the image id in pixel 10.</summary>
    static ScriptedModel TableModel(float[,] table) => new(images =>
    {
        var ids = Ids(images);
        var rows = ids.Select(id => Enumerable.Range(0, Classes).Select(c => table[id, c]).ToArray()).ToArray();
        return stack(rows.Select(r => tensor(r)).ToArray());
    });

    static float[,] RandomTable(int ids, int seed)
    {
        var rng = new Random(seed);
        var t = new float[ids, Classes];
        for (int i = 0; i < ids; i++) for (int c = 0; c < Classes; c++) t[i, c] = (float)rng.NextDouble();
        return t;
    }

    [Fact]
    public void Hard_mining_picks_unique_candidates_of_other_classes_greedily_by_goodness()
    {
        using var scope = NewDisposeScope();
        const int rows = 100;
        var (x0, y) = MakeData(rows, Features, 8);
        var x = WithIds(x0);
        var table = RandomTable(rows, 1);
        var s = new HardMiningNegatives(Overlay);
        using var g = new Generator(9);
        var (neg, chosen) = s.GenerateDetailed(Batch(s, x, y, Overlay, TableModel(table)), g);
        var labels = Longs(y);
        Assert.Equal(0, s.LastReused);
        Assert.Equal(0, s.LastFallbacks);
        Assert.Equal(rows, chosen.Distinct().Count());                     // unique
        for (int i = 0; i < rows; i++) Assert.NotEqual(labels[i], labels[chosen[i]]); // other class
        Assert.Equal(chosen, Sources(neg, x));                              // the image really is that candidate
        var (carried, _) = CarriedLabels(neg, 2.5f);
        Assert.Equal(labels, carried);                                      // with the anchor's label

        // Greedy optimality: no anchor could have taken a still-unused candidate that scores higher for its label.
        var used = chosen.ToHashSet();
        for (int i = 0; i < rows; i++)
            for (int u = 0; u < rows; u++)
                if (!used.Contains(u) && labels[u] != labels[i])
                    Assert.True(table[chosen[i], labels[i]] >= table[u, labels[i]]);
        // The single most confusing valid pair of the batch is taken.
        var best = (from i in Enumerable.Range(0, rows) from j in Enumerable.Range(0, rows)
                    where labels[j] != labels[i] orderby table[j, labels[i]] descending select (i, j)).First();
        Assert.Contains(best.j, chosen);
    }

    [Fact]
    public void Hard_mining_assignment_reuses_only_when_a_class_runs_out_and_falls_back_when_alone()
    {
        // 6 anchors of class 0 and 2 of class 1: class 0 has only 2 other-class candidates.
        long[] labels = [0, 0, 0, 0, 0, 0, 1, 1];
        var rng = new Random(3);
        var scores = Enumerable.Range(0, labels.Length * Classes).Select(_ => (float)rng.NextDouble()).ToArray();
        var chosen = HardMiningNegatives.Assign(labels, labels, scores, Classes, out int reused);
        for (int i = 0; i < labels.Length; i++) Assert.NotEqual(labels[i], labels[chosen[i]]);
        Assert.Equal(4, reused);
        var fresh = chosen.Take(6).Distinct().Count();
        Assert.Equal(2, fresh);

        var alone = HardMiningNegatives.Assign([3, 3], [3, 3], new float[2 * Classes], Classes, out int r2);
        Assert.Equal(new[] { -1, -1 }, alone);
        Assert.Equal(0, r2);

        using var scope = NewDisposeScope();
        var (x0, y) = MakeData(6, Features, 10, [3, 3, 3, 3, 3, 3]);
        var s = new HardMiningNegatives(Overlay);
        using var g = new Generator(11);
        var neg = s.Generate(Batch(s, WithIds(x0), y, Overlay, TableModel(RandomTable(6, 2))), g);
        Assert.Equal(6, s.LastFallbacks);
        Assert.Equal(Enumerable.Range(0, 6), Sources(neg, WithIds(x0)));      // own image...
        Assert.All(CarriedLabels(neg, 2.5f).Labels, l => Assert.NotEqual(3L, l)); // ...with a wrong label
    }

    [Fact]
    public void Hard_mining_memory_bank_keeps_the_last_images_and_offers_them_as_candidates()
    {
        using var scope = NewDisposeScope();
        const int rows = 30, bank = 40;
        var (a0, ya) = MakeData(rows, Features, 12);
        var (b0, yb) = MakeData(rows, Features, 13);
        var a = WithIds(a0);
        var b = WithIds(b0);
        b.narrow(1, Classes, 1).add_(KeptScalars.Of(rows), KeptScalars.One); // ids 30..59 for the second batch
        // Make the first batch's images far more confusing than the second's.
        var table = RandomTable(2 * rows, 4);
        for (int i = 0; i < rows; i++) for (int c = 0; c < Classes; c++) table[i, c] += 10;
        var model = TableModel(table);

        HardMiningNegatives Make() => (HardMiningNegatives)NegativeStrategies.Create("hard-mining", Overlay,
            new Dictionary<string, double> { ["bank"] = bank });
        using var s = Make();
        using var g = new Generator(14);
        s.Generate(Batch(s, a, ya, Overlay, model), g);
        Assert.Equal(rows, s.BankCount);
        var (neg, chosen) = s.GenerateDetailed(Batch(s, b, yb, Overlay, model), g);
        Assert.Equal(bank, s.BankCount);
        Assert.Equal(rows, chosen.Distinct().Count());
        Assert.All(chosen, j => Assert.InRange(j, rows, 2 * rows - 1)); // all from the bank (the first batch)
        var src = Sources(neg, a);
        var la = Longs(ya);
        var lb = Longs(yb);
        for (int i = 0; i < rows; i++)
        {
            Assert.Equal(chosen[i] - rows, src[i]);
            Assert.NotEqual(lb[i], la[src[i]]);
        }

        // Same seed, fresh instance, same sequence of batches: same output.
        using var s2 = Make();
        using var g2 = new Generator(14);
        s2.Generate(Batch(s2, a, ya, Overlay, model), g2);
        Assert.True(Tensors.Same(neg, s2.Generate(Batch(s2, b, yb, Overlay, model), g2)));
    }

    [Fact]
    public void Hard_mining_with_a_real_network_picks_high_goodness_candidates()
    {
        using var scope = NewDisposeScope();
        using var net = Network(Features, seed: 3);
        var view = new NetworkView(net, [0, 1]);
        var (x, y) = MakeData(40, Features, 15);
        var s = new HardMiningNegatives(Overlay);
        using var g = new Generator(16);
        var neg = s.Generate(Batch(s, x, y, Overlay, view), g);
        using var _ = no_grad();
        // Mean goodness of the mined negatives beats that of random class-confusion negatives.
        var cc = new ClassConfusionNegatives(Overlay);
        var random = cc.Generate(Batch(cc, x, y, Overlay), g);
        Assert.True(view.Goodness(neg).mean().item<float>() > view.Goodness(random).mean().item<float>());
    }
}
