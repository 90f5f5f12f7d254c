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

    /// <summary>Plural category name → its members, in the current world (a hidden world deals the 80 names out anew).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Categories => Base(FarmWorld.KnowledgeSeed).Categories;

    // The public world's categories; their names and the 80 entity names are the same in every world.
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> PublicCategories = new Dictionary<string, IReadOnlyList<string>>
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

    public static IReadOnlyList<string> CategoryNames { get; } = PublicCategories.Keys.ToList();

    public static IReadOnlyList<string> Colours { get; } = ["red", "green", "blue", "yellow", "brown", "white", "black", "grey", "purple", "pink"];

    /// <summary>Sizes in increasing order (comparisons use the order).</summary>
    public static IReadOnlyList<string> Sizes { get; } = ["small", "medium", "large"];

    public static IReadOnlyList<string> Places { get; } = ["farm", "forest", "garden", "kitchen", "river", "field", "city", "shed", "mountain", "desert"];

    public static IReadOnlyList<string> Traits { get; } = ["sweet", "fast", "loud", "soft", "sharp", "heavy", "strong", "quiet", "light", "bright", "old", "useful"];

    /// <summary>The attribute kinds a fact question can ask about, in a fixed order.</summary>
    public static IReadOnlyList<string> Attributes { get; } = [CategoryAttribute, "colour", "size", "place", "trait"];

    /// <summary>The entities of the current world (<see cref="FarmWorld.KnowledgeSeed"/>), in category order.</summary>
    public static IReadOnlyList<FarmEntity> Entities => Base(FarmWorld.KnowledgeSeed).Entities;

    /// <summary>The entities of the current world by name.</summary>
    public static IReadOnlyDictionary<string, FarmEntity> ByName => Base(FarmWorld.KnowledgeSeed).ByName;

    private static readonly KnowledgeBase Public = new(FarmWorld.PublicKnowledgeSeed);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, KnowledgeBase> Hidden = new();

    private static KnowledgeBase Base(long seed) => seed == FarmWorld.PublicKnowledgeSeed ? Public : Hidden.GetOrAdd(seed, s => new KnowledgeBase(s));

    private sealed class KnowledgeBase(long seed)
    {
        public IReadOnlyDictionary<string, IReadOnlyList<string>> Categories { get; } = seed == FarmWorld.PublicKnowledgeSeed ? PublicCategories : DealCategories(seed);

        public IReadOnlyList<FarmEntity> Entities => _entities ??= BuildEntities(seed, Categories);

        private IReadOnlyList<FarmEntity>? _entities;

        public IReadOnlyDictionary<string, FarmEntity> ByName => _byName ??= Entities.ToDictionary(entity => entity.Name, StringComparer.Ordinal);

        private IReadOnlyDictionary<string, FarmEntity>? _byName;
    }

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

    /// <summary>
    /// A hidden world's categories: the 80 names shuffled and dealt ten to a category, so that even which things are fruits
    /// is the world's own (a list copied from the public world is wrong there).
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> DealCategories(long seed)
    {
        var names = PublicCategories.Values.SelectMany(members => members).ToList();
        KeyedRandom.Create("farm-kb-categories", "deal", seed).Shuffle(names);
        return CategoryNames.Select((category, i) => (category, members: (IReadOnlyList<string>)names.Skip(10 * i).Take(10).ToList()))
            .ToDictionary(pair => pair.category, pair => pair.members, StringComparer.Ordinal);
    }

    private static List<FarmEntity> BuildEntities(long seed, IReadOnlyDictionary<string, IReadOnlyList<string>> categories)
    {
        var entities = new List<FarmEntity>();
        foreach (var (category, members) in categories)
        {
            foreach (var name in members)
            {
                // The world's seed, not a run's: the public knowledge base belongs to the world version; a hidden world's to its secret.
                var random = KeyedRandom.Create("farm-kb", name, seed);
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
