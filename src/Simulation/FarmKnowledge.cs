using AlpacaFarm.Abstractions.Randomness;

namespace AlpacaFarm.Simulation;

/// <summary>One thing the world knows about: its category and four true attributes.</summary>
public sealed record FarmEntity(string Name, string Category, string Colour, string Size, string Place, string Trait)
{
    /// <summary>The entity's value of an attribute kind ("category", "colour", "size", "place", "trait").</summary>
    public string Value(string attribute) => attribute switch
    {
        FarmKnowledge.CategoryAttribute => FarmKnowledge.Singular(Category),
        "colour" => Colour,
        "size" => Size,
        "place" => Place,
        "trait" => Trait,
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "unknown attribute"),
    };
}

/// <summary>
/// The lexicon and knowledge base: eight categories of ten entities, each with a colour, a size, a place where it is
/// found and a trait. Attributes are drawn once from <see cref="KeyedRandom"/> at a fixed key, so they are part of
/// <see cref="FarmWorld.WorldVersion"/>, not of any run's seed. The world is synthetic on purpose: a pink lion is a
/// fact here, and a model can only learn it from the data.
/// </summary>
public static class FarmKnowledge
{
    public const string CategoryAttribute = "category";

    /// <summary>Plural category name → its members.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Categories { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["fruits"] = ["apple", "banana", "cherry", "grape", "lemon", "mango", "pear", "plum", "peach", "melon"],
        ["animals"] = ["lion", "tiger", "horse", "mouse", "rabbit", "whale", "eagle", "snake", "sheep", "goat"],
        ["vegetables"] = ["carrot", "potato", "onion", "cabbage", "pepper", "turnip", "leek", "bean", "pea", "radish"],
        ["tools"] = ["hammer", "saw", "drill", "wrench", "shovel", "rake", "knife", "ladder", "axe", "chisel"],
        ["instruments"] = ["piano", "guitar", "violin", "drum", "flute", "trumpet", "harp", "cello", "banjo", "organ"],
        ["vehicles"] = ["car", "bus", "truck", "bicycle", "boat", "train", "tractor", "plane", "scooter", "wagon"],
        ["flowers"] = ["rose", "tulip", "daisy", "lily", "orchid", "poppy", "sunflower", "lotus", "iris", "daffodil"],
        ["trees"] = ["oak", "pine", "maple", "birch", "willow", "cedar", "palm", "elm", "ash", "spruce"],
    };

    public static IReadOnlyList<string> CategoryNames { get; } = Categories.Keys.ToList();

    public static IReadOnlyList<string> Colours { get; } = ["red", "green", "blue", "yellow", "brown", "white", "black", "grey", "purple", "pink"];

    /// <summary>Sizes in increasing order (comparisons use the order).</summary>
    public static IReadOnlyList<string> Sizes { get; } = ["small", "medium", "large"];

    public static IReadOnlyList<string> Places { get; } = ["farm", "forest", "garden", "kitchen", "river", "field", "city", "shed", "mountain", "desert"];

    public static IReadOnlyList<string> Traits { get; } = ["sweet", "fast", "loud", "soft", "sharp", "heavy", "strong", "quiet", "light", "bright", "old", "useful"];

    /// <summary>The attribute kinds a fact question can ask about, in a fixed order.</summary>
    public static IReadOnlyList<string> Attributes { get; } = [CategoryAttribute, "colour", "size", "place", "trait"];

    public static IReadOnlyList<FarmEntity> Entities { get; } = BuildEntities();

    public static IReadOnlyDictionary<string, FarmEntity> ByName { get; } = Entities.ToDictionary(entity => entity.Name, StringComparer.Ordinal);

    /// <summary>Attribute value word → its attribute kind (values of different kinds never share a word).</summary>
    public static IReadOnlyDictionary<string, string> ValueKinds { get; } = BuildValueKinds();

    /// <summary>"fruits" → "fruit".</summary>
    public static string Singular(string category) => category[..^1];

    /// <summary>"a" or "an" before <paramref name="word"/>.</summary>
    public static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";

    /// <summary>All values of one attribute kind.</summary>
    public static IReadOnlyList<string> Values(string attribute) => attribute switch
    {
        CategoryAttribute => CategoryNames.Select(Singular).ToList(),
        "colour" => Colours,
        "size" => Sizes,
        "place" => Places,
        "trait" => Traits,
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "unknown attribute"),
    };

    private static List<FarmEntity> BuildEntities()
    {
        var entities = new List<FarmEntity>();
        foreach (var (category, members) in Categories)
        {
            foreach (var name in members)
            {
                // Fixed key and seed: the knowledge base belongs to the world version, not to a run.
                var random = KeyedRandom.Create("farm-kb", name, 1);
                entities.Add(new FarmEntity(name, category, random.Choose(Colours), random.Choose(Sizes), random.Choose(Places), random.Choose(Traits)));
            }
        }
        return entities;
    }

    private static Dictionary<string, string> BuildValueKinds()
    {
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in Attributes)
            foreach (var value in Values(attribute))
                kinds.Add(value, attribute);
        return kinds;
    }
}
