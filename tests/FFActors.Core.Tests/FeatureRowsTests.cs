using FFActors.Core.Evaluation;
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
    public void Too_many_or_too_few_rows_are_refused()
    {
        using var over = new FeatureRows(2);
        Assert.Throws<InvalidOperationException>(() => over.Add(zeros(3, 4)));
        using var under = new FeatureRows(4);
        under.Add(zeros(3, 4));
        Assert.Throws<InvalidOperationException>(() => under.Take());
    }
}
