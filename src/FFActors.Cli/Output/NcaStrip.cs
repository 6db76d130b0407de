using FFActors.Core.Nca;
using ScottPlot;

namespace FFActors.Cli.Output;

/// <summary>
/// PNG strip of a growing automaton: one panel per chosen step, left to right, and rows for the rules compared (each
/// living cell a square of its ring's colour on a dark background); the last column is the target.
/// </summary>
public static class NcaStrip
{
    /// <param name="rows">Per row: its name and the grid after every step (index = step).</param>
    /// <param name="steps">The steps shown, one panel each.</param>
    public static void Save(string path, IReadOnlyList<(string Name, IReadOnlyList<NcaGrid> Grids)> rows, IReadOnlyList<int> steps, NcaGrid target)
    {
        int size = target.Size, gap = 3;
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        for (int r = 0; r < rows.Count; r++)
        {
            double top = -r * (size + gap + 4);
            for (int c = 0; c <= steps.Count; c++)
            {
                var grid = c < steps.Count ? rows[r].Grids[Math.Min(steps[c], rows[r].Grids.Count - 1)] : target;
                double left = c * (size + gap);
                var frame = plot.Add.Rectangle(left, left + size, top - size, top);
                frame.FillColor = Color.FromHex("#202020");
                frame.LineWidth = 0;
                Cells(plot, grid, left, top);
                string label = c < steps.Count ? $"{rows[r].Name}, step {steps[c]}" : "target";
                if (c < steps.Count && c > 0) label = $"step {steps[c]}";
                var text = plot.Add.Text(label, left, top + 1);
                text.LabelFontSize = 11;
                text.LabelAlignment = Alignment.LowerLeft;
            }
        }
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Axes.SquareUnits();
        int columns = steps.Count + 1;
        var bytes = plot.GetImageBytes(Math.Min(2400, columns * 130 + 40), Math.Min(1600, rows.Count * 135 + 30), ImageFormat.Png);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    static void Cells(Plot plot, NcaGrid grid, double left, double top)
    {
        for (int y = 0; y < grid.Size; y++)
            for (int x = 0; x < grid.Size; x++)
            {
                if (RingCells.Colour(grid[y, x]) is not { } rgb) continue;
                var cell = plot.Add.Rectangle(left + x, left + x + 1, top - y - 1, top - y);
                cell.FillColor = new Color((byte)(rgb[0] * 255), (byte)(rgb[1] * 255), (byte)(rgb[2] * 255));
                cell.LineWidth = 0;
            }
    }
}
