using System.Runtime.InteropServices;
using FFActors.Core.Data;
using static TorchSharp.torch;

namespace FFActors.Core.Evaluation;

/// <summary>
/// The feature matrix of a whole split, filled batch by batch in order and kept compactly in host memory: each batch
/// becomes a block of rows stored dense or as its non-zero entries, whichever is smaller. FF features are mostly
/// zeros (ReLU activities, and the units that never fire): on the default network the sparse blocks of the
/// 60 000 × 2 000 head features take a fraction of the 0.5 GB a dense matrix needs. Rows read back are
/// bit for bit the rows added (a −0 is kept as an entry), so a head trained on them is trained exactly as on the dense
/// matrix.
/// </summary>
public sealed class FeatureRows(long rows) : IDisposable
{
    readonly List<RowBlock> blocks = [];
    readonly List<long> starts = [];
    long filled;
    Device? device;
    float[] scratch = [];

    public long Count => rows;

    /// <summary>Features per row; 0 until the first batch.</summary>
    public int Width { get; private set; }

    /// <summary>The device the batches came from, where rows read back are put.</summary>
    public Device Device => device ?? CPU;

    /// <summary>Stored bytes (values, column indices and row offsets).</summary>
    public long StoredBytes => blocks.Sum(b => b.Bytes);

    /// <summary>Copies <paramref name="batch"/> ([n, width] float32) into the next rows and disposes of it.</summary>
    public void Add(Tensor batch)
    {
        using (batch)
        {
            if (batch.dim() != 2 || batch.dtype != ScalarType.Float32)
                throw new ArgumentException($"feature rows: a batch must be [rows, features] float32, not {batch.dtype} of shape [{string.Join(", ", batch.shape)}]");
            int n = (int)batch.shape[0], width = (int)batch.shape[1];
            if (filled + n > rows) throw new InvalidOperationException($"feature rows: {filled} + {n} rows is more than the split's {rows}");
            if (Width != 0 && width != Width) throw new InvalidOperationException($"feature rows: a batch of {width} features after batches of {Width}");
            Width = width;
            device ??= batch.device;
            using var scope = NewDisposeScope();
            var host = batch.cpu().contiguous();
            blocks.Add(RowBlock.Of(MemoryMarshal.Cast<byte, float>(host.bytes), n, width));
            starts.Add(filled);
            filled += n;
        }
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order, as a [count, width] tensor on <see cref="Device"/>.</summary>
    public Tensor Gather(ReadOnlySpan<long> indices)
    {
        CheckFilled();
        var dense = Scratch(indices.Length);
        for (int i = 0; i < indices.Length; i++)
        {
            int b = BlockOf(indices[i]);
            blocks[b].CopyRow((int)(indices[i] - starts[b]), dense.AsSpan(i * Width, Width));
        }
        return ToTensor(dense.AsSpan(0, indices.Length * Width), indices.Length);
    }

    /// <summary>Rows [start, start + count) as a [count, width] tensor on <see cref="Device"/>.</summary>
    public Tensor Narrow(long start, int count)
    {
        Span<long> indices = count <= 1024 ? stackalloc long[count] : new long[count];
        for (int i = 0; i < count; i++) indices[i] = start + i;
        return Gather(indices);
    }

    /// <summary>The whole matrix as one dense tensor; this holds nothing afterwards.</summary>
    public Tensor Take()
    {
        CheckFilled();
        using var scope = NewDisposeScope();
        var all = empty([rows, Width], ScalarType.Float32, Device);
        for (int b = 0; b < blocks.Count; b++)
        {
            using var slot = all.narrow(0, starts[b], blocks[b].Rows);
            using var part = Narrow(starts[b], blocks[b].Rows);
            slot.copy_(part);
        }
        Dispose();
        return all.MoveToOuterDisposeScope();
    }

    /// <summary>These rows with their <paramref name="labels"/> (not owned) as a source of mini-batches.</summary>
    public ILabelledRows With(Tensor labels)
    {
        if (labels.shape[0] != rows) throw new ArgumentException($"feature rows: {labels.shape[0]} labels for {rows} rows");
        return new Labelled(this, labels);
    }

    public void Dispose()
    {
        blocks.Clear();
        starts.Clear();
        filled = 0;
        scratch = [];
    }

    void CheckFilled()
    {
        if (filled != rows || blocks.Count == 0) throw new InvalidOperationException($"feature rows: {filled} of {rows} rows filled");
    }

    int BlockOf(long row)
    {
        if (row < 0 || row >= filled) throw new ArgumentOutOfRangeException(nameof(row), $"feature rows: row {row} of {filled}");
        int b = starts.BinarySearch(row);
        return b >= 0 ? b : ~b - 1;
    }

    float[] Scratch(int count)
    {
        long need = (long)count * Width;
        if (scratch.Length < need) scratch = new float[need];
        else Array.Clear(scratch, 0, (int)need);
        return scratch;
    }

    Tensor ToTensor(ReadOnlySpan<float> dense, int count)
    {
        using var scope = NewDisposeScope();
        var t = empty([count, Width], ScalarType.Float32);
        dense.CopyTo(MemoryMarshal.Cast<byte, float>(t.bytes));
        return t.to(Device).MoveToOuterDisposeScope();
    }

    sealed class Labelled(FeatureRows features, Tensor labels) : ILabelledRows
    {
        public int Count => (int)features.Count;

        public IEnumerable<(Tensor X, Tensor Y)> Batches(int batchSize, Generator? shuffle)
        {
            foreach (var (start, len, idx) in BatchOrder.Of(Count, batchSize, shuffle, labels.device))
            {
                if (idx is null)
                {
                    yield return (features.Narrow(start, len), labels.narrow(0, start, len));
                }
                else
                {
                    using var host = idx.cpu();
                    yield return (features.Gather(MemoryMarshal.Cast<byte, long>(host.bytes)), labels.index_select(0, idx));
                }
            }
        }
    }

    /// <summary>Consecutive rows, dense or as (column, value) entries per row.</summary>
    sealed class RowBlock
    {
        readonly int width;
        readonly float[] values;
        readonly ushort[]? columns;
        readonly int[]? offsets;

        public int Rows { get; }
        public long Bytes => values.Length * 4L + (columns?.Length ?? 0) * 2L + (offsets?.Length ?? 0) * 4L;

        RowBlock(int rows, int width, float[] values, ushort[]? columns, int[]? offsets)
        {
            Rows = rows;
            this.width = width;
            this.values = values;
            this.columns = columns;
            this.offsets = offsets;
        }

        public static RowBlock Of(ReadOnlySpan<float> dense, int rows, int width)
        {
            var bits = MemoryMarshal.Cast<float, int>(dense);
            int entries = bits.Length - bits.Count(0);
            long sparseBytes = entries * 6L + (rows + 1) * 4L;
            // Column indices are 16-bit: a wider matrix is stored dense.
            if (width > ushort.MaxValue + 1 || sparseBytes >= dense.Length * 4L) return new RowBlock(rows, width, dense.ToArray(), null, null);
            var values = new float[entries];
            var columns = new ushort[entries];
            var offsets = new int[rows + 1];
            int k = 0;
            for (int r = 0; r < rows; r++)
            {
                offsets[r] = k;
                for (int c = 0; c < width; c++)
                {
                    // Compared as bits, so that −0 is stored and read back as −0.
                    if (bits[r * width + c] == 0) continue;
                    values[k] = dense[r * width + c];
                    columns[k++] = (ushort)c;
                }
            }
            offsets[rows] = k;
            return new RowBlock(rows, width, values, columns, offsets);
        }

        /// <summary>Writes row <paramref name="r"/> into <paramref name="target"/>, which holds zeros.</summary>
        public void CopyRow(int r, Span<float> target)
        {
            if (columns is null)
            {
                values.AsSpan(r * width, width).CopyTo(target);
                return;
            }
            for (int k = offsets![r]; k < offsets[r + 1]; k++) target[columns[k]] = values[k];
        }
    }
}
