using static TorchSharp.torch;

namespace FFActors.Core.Nca;

/// <summary>A square grid of cell states (<see cref="RingCells"/>), row-major; cells outside the grid read as empty.</summary>
public sealed class NcaGrid
{
    readonly int[] cells;

    public NcaGrid(int size) : this(size, new int[size * size]) { }

    NcaGrid(int size, int[] cells) => (Size, this.cells) = (size, cells);

    public int Size { get; }

    public int this[int y, int x]
    {
        get => y < 0 || x < 0 || y >= Size || x >= Size ? 0 : cells[y * Size + x];
        set => cells[y * Size + x] = value;
    }

    public NcaGrid Clone() => new(Size, (int[])cells.Clone());

    /// <summary>One living cell at ring distance 0 in the middle: where growth starts.</summary>
    public static NcaGrid Seed(int size)
    {
        var g = new NcaGrid(size);
        g[size / 2, size / 2] = RingCells.Living(0);
        return g;
    }

    /// <summary>The target: concentric square rings 0..radius (Chebyshev distance) around the middle cell, empty elsewhere.</summary>
    public static NcaGrid Target(int size, int radius)
    {
        var g = new NcaGrid(size);
        int c = size / 2;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int d = Math.Max(Math.Abs(y - c), Math.Abs(x - c));
                if (d <= radius) g[y, x] = RingCells.Living(d);
            }
        return g;
    }

    /// <summary>
    /// Whether the cell at (y, x) can change: some cell of its 3×3 neighbourhood is alive (the growing NCA's alive mask:
    /// empty space with no living neighbour stays empty without asking the rule).
    /// </summary>
    public bool Active(int y, int x)
    {
        for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                if (RingCells.Alive(this[y + dy, x + dx])) return true;
        return false;
    }

    /// <summary>The active cells, row-major.</summary>
    public List<(int Y, int X)> ActiveCells()
    {
        var list = new List<(int, int)>();
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                if (Active(y, x)) list.Add((y, x));
        return list;
    }

    /// <summary>
    /// The 3×3 perception of each listed cell, prefixed with <paramref name="labelSlots"/> zeros for the label overlay:
    /// [cells, slots + 9·13], neighbour-major (row −1..1, column −1..1), 13 channels each.
    /// </summary>
    public Tensor Perception(IReadOnlyList<(int Y, int X)> at, int labelSlots)
    {
        int width = labelSlots + 9 * RingCells.Channels;
        var data = new float[at.Count * width];
        for (int i = 0; i < at.Count; i++)
        {
            int offset = i * width + labelSlots;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++, offset += RingCells.Channels)
                    RingCells.Vector(this[at[i].Y + dy, at[i].X + dx]).CopyTo(data, offset);
        }
        return tensor(data, [at.Count, width]);
    }

    /// <summary>Fraction of the grid's cells whose state differs from <paramref name="other"/>'s.</summary>
    public double ErrorTo(NcaGrid other)
    {
        if (other.Size != Size) throw new ArgumentException($"grids of {Size} and {other.Size}");
        return (double)cells.Zip(other.cells).Count(p => p.First != p.Second) / cells.Length;
    }

    public int LivingCount => cells.Count(RingCells.Alive);
}
