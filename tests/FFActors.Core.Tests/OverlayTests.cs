using FFActors.Core.Data;
using static TorchSharp.torch;
using static FFActors.TestSupport.Tensors;

namespace FFActors.Core.Tests;

public class OverlayTests
{
    const int Features = 16;

    /// <summary>A [rows, 16] batch with distinct known values, its maximum at row 1, column 12 (outside the label slots).</summary>
    static (Tensor X, float[,] Values, float Max) Batch()
    {
        const int rows = 3;
        var values = new float[rows, Features];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < Features; c++)
                values[r, c] = 0.25f * (r * Features + c) - 3f; // negatives included, all distinct
        values[1, 12] = 42.5f;
        var flat = new float[rows * Features];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(float));
        return (tensor(flat, [rows, Features]), values, 42.5f);
    }

    static void AssertOverlaid(float[] result, float[,] original, long[] labels, float on)
    {
        for (int r = 0; r < labels.Length; r++)
        {
            for (int c = 0; c < 10; c++)
                Assert.Equal(c == labels[r] ? on : 0f, result[r * Features + c]);
            for (int c = 10; c < Features; c++)
                Assert.Equal(original[r, c], result[r * Features + c]);
        }
    }

    [Fact]
    public void Apply_with_batch_max_writes_one_hot_scaled_by_the_batch_maximum()
    {
        using var scope = NewDisposeScope();
        var (x, values, max) = Batch();
        var before = x.clone();
        long[] labels = [2, 0, 9];
        var result = new LabelOverlay().Apply(x, tensor(labels));

        Assert.Equal(new long[] { 3, Features }, result.shape);
        AssertOverlaid(Tensors.Floats(result), values, labels, max);
        Assert.True(Same(x, before), "Apply must not modify its input");
    }

    [Fact]
    public void Apply_with_fixed_value_uses_that_value()
    {
        using var scope = NewDisposeScope();
        var (x, values, _) = Batch();
        var before = x.clone();
        long[] labels = [7, 7, 3];
        var result = new LabelOverlay(Value: 1.5).Apply(x, tensor(labels));

        AssertOverlaid(Tensors.Floats(result), values, labels, 1.5f);
        Assert.True(Same(x, before), "Apply must not modify its input");
    }

    [Fact]
    public void Apply_with_single_label_overlays_it_on_every_row()
    {
        using var scope = NewDisposeScope();
        var (x, values, _) = Batch();
        var result = new LabelOverlay(Value: 2.0).Apply(x, 4);
        AssertOverlaid(Tensors.Floats(result), values, [4, 4, 4], 2f);
    }

    [Fact]
    public void Apply_with_batch_max_takes_the_maximum_including_label_slots()
    {
        using var scope = NewDisposeScope();
        var x = zeros([2, Features]);
        x[0, 3] = tensor(9f); // the maximum sits in a label slot that the overlay overwrites
        var result = Tensors.Floats(new LabelOverlay().Apply(x, tensor(new long[] { 1, 5 })));
        Assert.Equal(9f, result[1]);
        Assert.Equal(0f, result[3]);
        Assert.Equal(9f, result[Features + 5]);
    }

    [Fact]
    public void Neutral_puts_one_tenth_in_every_label_slot_and_keeps_the_rest()
    {
        using var scope = NewDisposeScope();
        var (x, values, _) = Batch();
        var before = x.clone();
        var result = Tensors.Floats(new LabelOverlay(Value: 5).Neutral(x));
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 10; c++) Assert.Equal(0.1f, result[r * Features + c]);
            for (int c = 10; c < Features; c++) Assert.Equal(values[r, c], result[r * Features + c]);
        }
        Assert.True(Same(x, before), "Neutral must not modify its input");
    }

    [Fact]
    public void A_label_block_is_appended_after_the_image_and_leaves_every_pixel_as_it_was()
    {
        using var scope = NewDisposeScope();
        var (x, values, max) = Batch();
        long[] labels = [4, 0, 9];
        var overlay = new LabelOverlay(Placement: LabelPlacement.Block);
        var result = overlay.Apply(x, tensor(labels));

        Assert.Equal(10, overlay.ExtraInputs);
        Assert.Equal(new long[] { 3, Features + 10 }, result.shape);
        var r = Tensors.Floats(result);
        for (int row = 0; row < labels.Length; row++)
        {
            for (int c = 0; c < Features; c++) Assert.Equal(values[row, c], r[row * (Features + 10) + c]);
            for (int c = 0; c < 10; c++) Assert.Equal(c == labels[row] ? max : 0f, r[row * (Features + 10) + Features + c]);
        }
    }

    [Fact]
    public void The_neutral_form_of_a_label_block_is_the_image_with_the_block_at_zero()
    {
        using var scope = NewDisposeScope();
        var (x, _, _) = Batch();
        var result = new LabelOverlay(Value: 5, Placement: LabelPlacement.Block).Neutral(x);

        Assert.Equal(new long[] { 3, Features + 10 }, result.shape);
        Assert.True(Same(result.narrow(1, 0, Features), x));
        Assert.Equal(0f, result.narrow(1, Features, 10).abs().max().item<float>());
    }
}
