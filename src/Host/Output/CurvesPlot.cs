using System.Globalization;
using SkiaSharp;

namespace AlpacaFarm.Host.Output;

/// <summary>
/// A method's numeric log (steps.csv, epochs.csv) as one PNG: a panel per column against the first column (step or
/// epoch), three panels a row. Cells that are not finite numbers (an epoch-0 row's NaN loss) are left out of a panel.
/// </summary>
public static class CurvesPlot
{
    private const int PanelWidth = 420;
    private const int PanelHeight = 280;
    private const int PanelsPerRow = 3;

    /// <summary>Reads <paramref name="csv"/>, plots <paramref name="columns"/> (all but the first when null) into <paramref name="png"/>; returns the columns plotted.</summary>
    public static IReadOnlyList<string> Write(string csv, IReadOnlyList<string>? columns, string png)
    {
        var lines = File.ReadAllLines(csv).Where(line => line.Length > 0).ToArray();
        if (lines.Length < 2) throw new InvalidDataException($"{csv} has no rows yet");
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select((line, i) =>
        {
            var cells = line.Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{csv}, line {i + 2}: {cells.Length} cells, the header has {header.Length}");
            return cells.Select(cell => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidDataException($"{csv}, line {i + 2}: '{cell}' is not a number")).ToArray();
        }).ToList();
        var chosen = columns ?? header[1..];
        foreach (var column in chosen)
            if (Array.IndexOf(header, column) < 1)
                throw new ArgumentException($"{Path.GetFileName(csv)} has no column '{column}' to plot (it has: {string.Join(", ", header[1..])})");

        var panelRows = (chosen.Count + PanelsPerRow - 1) / PanelsPerRow;
        var width = PanelWidth * Math.Min(PanelsPerRow, chosen.Count);
        using var surface = SKSurface.Create(new SKImageInfo(width, PanelHeight * panelRows));
        surface.Canvas.Clear(SKColors.White);
        for (var i = 0; i < chosen.Count; i++)
        {
            var index = Array.IndexOf(header, chosen[i]);
            var points = rows.Where(row => double.IsFinite(row[0]) && double.IsFinite(row[index])).ToList();
            var plot = new ScottPlot.Plot();
            if (points.Count > 0) plot.Add.Scatter(points.Select(row => row[0]).ToArray(), points.Select(row => row[index]).ToArray());
            plot.Title(chosen[i]);
            plot.XLabel(header[0]);
            using var panel = SKBitmap.Decode(plot.GetImageBytes(PanelWidth, PanelHeight, ScottPlot.ImageFormat.Png));
            surface.Canvas.DrawBitmap(panel, i % PanelsPerRow * PanelWidth, i / PanelsPerRow * PanelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        var folder = Path.GetDirectoryName(Path.GetFullPath(png))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(png)}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temporary, data.ToArray());
        File.Move(temporary, png, overwrite: true);
        return chosen;
    }
}
