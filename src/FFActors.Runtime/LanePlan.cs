namespace FFActors.Runtime;

/// <summary>
/// Which lane (thread) each layer actor of the pipeline runs on. Lanes hold contiguous runs of
/// layers, chosen so the busiest lane has as little work as possible: a pipeline runs at the pace
/// of its busiest thread, and with fewer lanes than layers no thread has to share its core.
/// </summary>
public static class LanePlan
{
    /// <summary>Lane of each layer for per-layer work <paramref name="work"/> spread over <paramref name="lanes"/> lanes.</summary>
    public static int[] Assign(IReadOnlyList<double> work, int lanes)
    {
        int n = work.Count;
        if (lanes < 1) throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "at least one lane");
        lanes = Math.Min(lanes, Math.Max(1, n));
        var prefix = new double[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + work[i];

        // best[k, i]: the smallest possible busiest-lane work when the first i layers fill k lanes.
        var best = new double[lanes + 1, n + 1];
        var cut = new int[lanes + 1, n + 1];
        for (int i = 1; i <= n; i++) best[1, i] = prefix[i];
        for (int k = 2; k <= lanes; k++)
            for (int i = k; i <= n; i++)
            {
                best[k, i] = double.PositiveInfinity;
                for (int j = k - 1; j < i; j++)
                {
                    double v = Math.Max(best[k - 1, j], prefix[i] - prefix[j]);
                    if (v < best[k, i]) (best[k, i], cut[k, i]) = (v, j);
                }
            }

        var lane = new int[n];
        for (int k = lanes, i = n; k >= 1; k--)
        {
            int j = k == 1 ? 0 : cut[k, i];
            for (int l = j; l < i; l++) lane[l] = k - 1;
            i = j;
        }
        return lane;
    }
}
