namespace FFActors.Core.Nca;

/// <summary>
/// The teacher: the local rule whose trajectories are the positives. A cell takes ring distance min(d_own, m + 1), m
/// being the smallest distance among its living neighbours (an empty cell has no d_own), and stays or becomes empty when
/// that would lie beyond the outermost ring. Cells fire in random order, so a cell may first hear of the seed from a
/// neighbour on the same ring; keeping the minimum repairs that when the nearer neighbour fires, and from a single seed
/// the grid settles on exactly the target's rings.
/// </summary>
public static class RingRule
{
    public static int Next(NcaGrid g, int y, int x, int radius)
    {
        int own = g[y, x];
        int best = RingCells.Alive(own) ? RingCells.Distance(own) : int.MaxValue;
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                if ((dy != 0 || dx != 0) && RingCells.Alive(g[y + dy, x + dx]))
                    best = Math.Min(best, RingCells.Distance(g[y + dy, x + dx]) + 1);
        return best <= radius ? RingCells.Living(best) : 0;
    }
}
