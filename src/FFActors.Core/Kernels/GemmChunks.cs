namespace FFActors.Core.Kernels;

/// <summary>
/// How a dense layer's matmuls are cut into row blocks that can run on different threads. The cut depends
/// only on the shape, never on who runs the blocks, so every execution mode computes the same blocks and
/// gets the same bits. Forward blocks stay large enough (≥ <see cref="MinRows"/> rows) for an efficient GEMM.
/// The weight gradient ∂L/∂zᵀ·x̂ is cut along the stacked batch instead (positives' rows, then negatives'; see
/// <see cref="Partials"/>): each block is a GEMM over all output units into a partial gradient of its own, and the
/// partials are summed in block order. Blocks of 63–125 output units at batch 1000 ran 20–40 % slower than one GEMM
/// on this machine; partials of ≥ <see cref="MinPartialRows"/> rows ran as fast. Forward blocks of 64 and 36 rows ran
/// 6–30 % slower than one 100-row GEMM on one thread, so a batch of 100 is one block.
/// </summary>
public static class GemmChunks
{
    public const int MaxChunks = 8;
    public const int MinRows = 100;
    public const int MaxPartials = 2;
    public const int MinPartialRows = 500;

    /// <summary>Number of batch-row blocks, each with a partial weight gradient, for a batch of <paramref name="rows"/> rows.</summary>
    public static int Partials(long rows) => rows <= 0 ? 0 : (int)Math.Clamp(rows / MinPartialRows, 1, MaxPartials);

    /// <summary>First row and row count of partial <paramref name="partial"/> of a batch of <paramref name="rows"/> rows.</summary>
    public static (long Start, long Length) PartialBounds(long rows, int partial)
    {
        int count = Partials(rows);
        long size = (rows + count - 1) / count;
        long start = partial * size;
        return (start, Math.Min(size, rows - start));
    }

    /// <summary>Rows per block of a matmul whose output has <paramref name="rows"/> rows.</summary>
    public static int RowsPerChunk(long rows) => (int)Math.Max(MinRows, (rows + MaxChunks - 1) / MaxChunks);

    /// <summary>Number of blocks for <paramref name="rows"/> output rows.</summary>
    public static int Count(long rows) => rows <= 0 ? 0 : (int)((rows + RowsPerChunk(rows) - 1) / RowsPerChunk(rows));

    /// <summary>First row and row count of block <paramref name="chunk"/>.</summary>
    public static (long Start, long Length) Bounds(long rows, int chunk)
    {
        long size = RowsPerChunk(rows);
        long start = chunk * size;
        return (start, Math.Min(size, rows - start));
    }
}
