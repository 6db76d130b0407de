using ScottPlot;
using static TorchSharp.torch;

namespace FFActors.Cli.Output;

/// <summary>
/// Images on the [0, 1] pixel scale as one grey-scale PNG: groups of rows (random generations, a class's generations,
/// inputs and their reconstructions) stacked top to bottom, a one-pixel gap between images and a wider one between groups.
/// </summary>
public static class ImageGrid
{
    /// <param name="Name">What the group's rows are.</param>
    /// <param name="Images">[N, side²] pixels in [0, 1]; N a multiple of the grid's columns.</param>
    public sealed record Group(string Name, Tensor Images);

    const int GroupGap = 4;

    public static void Save(string path, IReadOnlyList<Group> groups, int columns, int side, string title)
    {
        int rows = groups.Sum(g => (int)(g.Images.shape[0] / columns));
        int height = rows * (side + 1) - 1 + (groups.Count - 1) * (GroupGap - 1);
        int width = columns * (side + 1) - 1;
        var grid = new double[height, width];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++) grid[r, c] = double.NaN;
        int top = 0;
        foreach (var group in groups)
        {
            var values = group.Images.to(ScalarType.Float64).cpu().data<double>().ToArray();
            int n = (int)group.Images.shape[0];
            for (int i = 0; i < n; i++)
            {
                int y0 = top + i / columns * (side + 1), x0 = i % columns * (side + 1);
                for (int y = 0; y < side; y++)
                    for (int x = 0; x < side; x++) grid[y0 + y, x0 + x] = values[(long)i * side * side + y * side + x];
            }
            top += (n / columns) * (side + 1) - 1 + GroupGap;
        }

        var plot = new Plot();
        var map = plot.Add.Heatmap(grid);
        map.Colormap = new ScottPlot.Colormaps.Grayscale();
        map.NaNCellColor = Colors.SteelBlue.Lighten(0.6);
        map.ManualRange = new ScottPlot.Range(0, 1);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title(title + "\n" + string.Join(" | ", groups.Select(g => $"{g.Name}: {g.Images.shape[0] / columns} row(s)")));
        int scale = Math.Max(2, 900 / width);
        var bytes = plot.GetImageBytes(Math.Min(2000, width * scale + 40), Math.Min(2400, height * scale + 110), ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }
}
