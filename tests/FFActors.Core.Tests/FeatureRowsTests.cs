using FFActors.Core.Evaluation;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public class FeatureRowsTests
{
    [Fact]
    public void Batches_fill_the_rows_in_order_as_concatenating_them_would()
    {
        using var gen = new Generator(5);
        var batches = new[] { randn([3, 4], generator: gen), randn([2, 4], generator: gen), randn([4, 4], generator: gen) };
        using var expected = cat(batches, 0);
        using var rows = new FeatureRows(9);
        // Add takes each batch over and frees it.
        foreach (var b in batches) rows.Add(b.clone());
        using var all = rows.Take();
        Assert.Equal(expected.data<float>().ToArray(), all.data<float>().ToArray());
        foreach (var b in batches) b.Dispose();
    }

    [Fact]
    public void Mostly_zero_batches_are_stored_sparse_and_read_back_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(7);
        // ReLU-like rows: about 90 % zeros, one of them −0; then a dense batch, stored as it is.
        using var sparse = randn([50, 300], generator: gen).sub(KeptScalars.Of(1.3f)).relu();
        sparse[3, 5] = tensor(-0f);
        using var dense = randn([20, 300], generator: gen);
        using var expected = cat([sparse, dense], 0);
        using var rows = new FeatureRows(70);
        rows.Add(sparse.clone());
        rows.Add(dense.clone());
        Assert.True(rows.StoredBytes < (50 * 300 / 4 + 20 * 300) * 4L, $"{rows.StoredBytes} bytes stored");

        long[] order = [69, 3, 0, 50, 49, 12, 3];
        using var got = rows.Gather(order);
        using var want = expected.index_select(0, tensor(order));
        Assert.Equal(Bits(want), Bits(got));
        using var middle = rows.Narrow(45, 10);
        Assert.Equal(Bits(expected.narrow(0, 45, 10)), Bits(middle));
        Assert.Equal(int.MinValue, Bits(got)[300 + 5]);
    }

    [Fact]
    public void A_head_trained_on_stored_rows_is_the_head_trained_on_the_dense_matrix()
    {
        using var scope = NewDisposeScope();
        using var gen = new Generator(11);
        using var features = randn([300, 40], generator: gen).sub(KeptScalars.Of(1f)).relu();
        using var labels = randint(0, 3, [300], generator: gen);
        using var rows = new FeatureRows(300);
        for (int start = 0; start < 300; start += 100) rows.Add(features.narrow(0, start, 100).clone());

        var (denseWeights, denseAccuracy) = TrainHead(h => h.Fit(features, labels, 3, 32, 0.01, HeadGenerator()), h => h.Accuracy(features, labels, 64));
        var (rowWeights, rowAccuracy) = TrainHead(h => h.Fit(rows.With(labels), 3, 32, 0.01, HeadGenerator()), h => h.Accuracy(rows.With(labels), 64));
        Assert.Equal(denseWeights, rowWeights);
        Assert.Equal(denseAccuracy, rowAccuracy);

        static Generator HeadGenerator() => new(3);
        static (int[] Weights, double Accuracy) TrainHead(Action<SoftmaxHead> fit, Func<SoftmaxHead, double> score)
        {
            using var init = new Generator(2);
            using var head = new SoftmaxHead(40, 3, init);
            fit(head);
            return (head.parameters().SelectMany(Bits).ToArray(), score(head));
        }
    }

    [Fact]
    public void Too_many_or_too_few_rows_are_refused()
    {
        using var over = new FeatureRows(2);
        Assert.Throws<InvalidOperationException>(() => over.Add(zeros(3, 4)));
        using var under = new FeatureRows(4);
        under.Add(zeros(3, 4));
        Assert.Throws<InvalidOperationException>(() => under.Take());
        Assert.Throws<InvalidOperationException>(() => under.Narrow(0, 1));
        Assert.Throws<InvalidOperationException>(() => under.Add(zeros(1, 5)));
    }

    static int[] Bits(Tensor t) => t.contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
