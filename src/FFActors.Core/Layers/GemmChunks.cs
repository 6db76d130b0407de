namespace FFActors.Core.Layers;

/// <summary>
/// How a dense layer's matmuls are cut into row blocks that can run on different threads. The cut depends
/// only on the shape, never on who runs the blocks, so every execution mode computes the same blocks and
/// gets the same bits. Blocks stay large enough (≥ <see cref="MinRows"/> rows) for an efficient GEMM.
/// </summary>
public static class GemmChunks
{
    public const int MaxChunks = 8;
    public const int MinRows = 64;

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
