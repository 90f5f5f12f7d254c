using System.Globalization;

namespace AlpacaFarm.Tests.Methods;

/// <summary>A method's numeric log (steps.csv, epochs.csv): one dictionary of column → value per row.</summary>
internal static class NumericCsv
{
    public static List<Dictionary<string, double>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line => header.Zip(line.Split(','), (name, value) => (name, double.Parse(value, CultureInfo.InvariantCulture)))
            .ToDictionary(p => p.name, p => p.Item2))];
    }
}
