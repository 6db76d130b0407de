using FFActors.Core.Diagnostics;
using FFActors.Core.Layers;
using FFActors.Core.Objectives;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

public class DiagnosticsTests
{
    [Fact]
    public void Layer_diagnostics_count_dead_and_saturated_units_and_bin_goodness()
    {
        var options = new DenseSpec(0, 3, 4, new OptimizerOptions(), null, InputNorm.None, new Objective(GoodnessKind.Sum, 2.0, LossKind.Softplus), 0);
        using var scope = NewDisposeScope();
        // Unit 0 never fires on positives (dead), unit 1 always fires (saturated), units 2-3 sometimes.
        var hPos = tensor(new float[,] { { 0, 2, 0, 0 }, { 0, 1, 1, 0 }, { 0, 1, 0, 1 } });
        var hNeg = tensor(new float[,] { { 0, 0, 0, 0 }, { 3, 0, 0, 0 } });
        var d = DiagnosticsProbe.Of(0, options.Objective, hPos, hNeg, bins: 3);
        Assert.Equal(0.25, d.DeadUnits);
        Assert.Equal(0.25, d.SaturatedUnits);
        // Goodness (sum of squares): positives 4, 2, 2; negatives 0, 9. θ = 2: positives above θ: 1 of 3, negatives at or below: 1 of 2.
        Assert.Equal(2.0 / 5, d.Separation, 12);
        Assert.Equal(0, d.Min);
        Assert.Equal(9, d.Max);
        Assert.Equal([2L, 1, 0], d.Positive);
        Assert.Equal([1L, 0, 1], d.Negative);
        Assert.Equal(8.0 / 3, d.MeanPositive, 6);
    }

    [Fact]
    public void Receptive_field_grid_tiles_each_units_weights_scaled_to_its_largest_magnitude()
    {
        using var init = new Generator(1);
        using var layer = new FFDenseLayer(4, 5, InputNorm.None, init);
        var grid = ReceptiveFields.Grid(layer, 5, 2, 2);
        // 5 units → 3 columns × 2 rows of 2×2 tiles with one-pixel gaps.
        Assert.Equal(2 * 3 - 1, grid.GetLength(0));
        Assert.Equal(3 * 3 - 1, grid.GetLength(1));
        var w = layer.Weight.data<float>().ToArray();
        double max0 = w.Take(4).Max(v => Math.Abs(v));
        Assert.Equal(w[3] / max0, grid[1, 1], 5);
        Assert.True(double.IsNaN(grid[0, 2]));
        Assert.Equal(1.0, Enumerable.Range(0, 2).SelectMany(r => Enumerable.Range(0, 2).Select(c => Math.Abs(grid[r, c]))).Max(), 6);
        Assert.Throws<ArgumentException>(() => ReceptiveFields.Grid(layer, 5, 3, 3));
    }
}
