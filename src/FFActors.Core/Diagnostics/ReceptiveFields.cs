using FFActors.Core.Layers;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Diagnostics;

/// <summary>
/// The first layer's receptive fields as one image: the weight rows of the first <c>count</c> units,
/// each reshaped to the image and scaled by its own largest |w| to [−1, 1], tiled in a grid with a
/// one-pixel gap (NaN, drawn as background).
/// </summary>
public static class ReceptiveFields
{
    /// <returns>[rows·(height+1)−1, columns·(width+1)−1] values in [−1, 1], NaN in the gaps.</returns>
    public static double[,] Grid(FFDenseLayer layer, int count, int height, int width) => Grid(layer.Weight, count, height, width);

    /// <summary>The grid of the first <paramref name="count"/> rows of a weight matrix [units, inputs] over an input image.</summary>
    public static double[,] Grid(Tensor weight, int count, int height, int width)
    {
        long inputs = weight.shape[1], outputs = weight.shape[0];
        if (height * width != inputs)
            throw new ArgumentException($"receptive fields: the layer takes {inputs} inputs, not a {height}×{width} image");
        int units = (int)Math.Min(count, outputs);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = weight.narrow(0, 0, units).to(ScalarType.Float64).cpu();
        var scaled = w / w.abs().amax([1], keepdim: true).clamp_min(KeptScalars.Of(1e-12));
        var values = scaled.data<double>().ToArray();
        int columns = (int)Math.Ceiling(Math.Sqrt(units));
        int rows = (units + columns - 1) / columns;
        var grid = new double[rows * (height + 1) - 1, columns * (width + 1) - 1];
        for (int r = 0; r < grid.GetLength(0); r++)
            for (int c = 0; c < grid.GetLength(1); c++) grid[r, c] = double.NaN;
        for (int u = 0; u < units; u++)
        {
            int top = u / columns * (height + 1), left = u % columns * (width + 1);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++) grid[top + y, left + x] = values[(long)u * inputs + y * width + x];
        }
        return grid;
    }
}
