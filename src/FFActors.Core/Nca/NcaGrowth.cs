using FFActors.Core.Data;
using FFActors.Core.Evaluation;
using FFActors.Core.Training;
using static TorchSharp.torch;

namespace FFActors.Core.Nca;

/// <summary>
/// Growing a pattern: each step, every active cell (<see cref="NcaGrid.Active"/>) fires with probability
/// <c>fireRate</c> (the growing NCA's stochastic update) and the fired cells take the states a rule chooses for their
/// perceptions, all read from the grid before the step.
/// </summary>
public static class NcaGrowth
{
    /// <summary>A rule: next states for the listed cells of a grid.</summary>
    public delegate int[] Rule(NcaGrid grid, IReadOnlyList<(int Y, int X)> cells);

    /// <summary>The grid after each of <paramref name="steps"/> steps, the start first ([steps + 1] grids).</summary>
    public static List<NcaGrid> Grow(NcaGrid start, Rule rule, int steps, double fireRate, Random fire)
    {
        var grids = new List<NcaGrid> { start.Clone() };
        var g = start.Clone();
        for (int s = 0; s < steps; s++)
        {
            var fired = g.ActiveCells().Where(_ => fire.NextDouble() < fireRate).ToList();
            var next = g.Clone();
            if (fired.Count > 0)
            {
                var states = rule(g, fired);
                for (int i = 0; i < fired.Count; i++) next[fired[i].Y, fired[i].X] = states[i];
            }
            g = next;
            grids.Add(g.Clone());
        }
        return grids;
    }

    /// <summary>The teacher rule (<see cref="RingRule"/>).</summary>
    public static Rule Teacher(int radius) => (g, cells) => cells.Select(c => RingRule.Next(g, c.Y, c.X, radius)).ToArray();

    /// <summary>
    /// The learned rule: each cell's perception with every candidate state overlaid in turn, the candidate whose goodness
    /// (summed over <paramref name="scoreLayers"/>) is highest wins: goodness scoring, with the next state as the label.
    /// </summary>
    public static Rule Learned(FFNetwork net, RingCells states, LabelOverlay overlay, int[] scoreLayers) => (g, cells) =>
    {
        using var scope = NewDisposeScope();
        var x = g.Perception(cells, overlay.Classes);
        var scores = GoodnessScorer.Scores(net, x, overlay, scoreLayers);
        return scores.narrow(1, 0, states.States).argmax(1).data<long>().Select(v => (int)v).ToArray();
    };
}
