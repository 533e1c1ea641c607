package org.civicos.workers.packaging;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A CloudFormation/SAM template read with SnakeYAML: short-form intrinsics ({@code !Ref X}, {@code !GetAtt A.B},
 * {@code !Sub ...}) become their long JSON form ({@code {"Ref": "X"}}, {@code {"Fn::GetAtt": ["A", "B"]}}, ...), so
 * the checks below see one shape whatever the author wrote. Helpers mirror what SAM does before CloudFormation
 * sees the template (Globals merge, generated resource names) as far as the checks need it.
 */
final class Cfn {
  static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
      "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

  final Path file;
  final Map<String, Object> root;

  private Cfn(Path file, Map<String, Object> root) {
    this.file = file;
    this.root = root;
  }

  /** The repository root: the nearest directory, from the working directory up, that holds template.yaml. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("template.yaml"))) {
        return d;
      }
    }
    throw new IllegalStateException("no template.yaml in " + dir + " or any parent directory");
  }

  static Cfn load(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Yaml yaml = new Yaml(new IntrinsicConstructor(options));
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Object doc = yaml.load(reader);
      if (!(doc instanceof Map<?, ?>)) {
        throw new IllegalStateException(file + " is not a YAML mapping");
      }
      return new Cfn(file, cast(doc));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  // ---- sections --------------------------------------------------------------------------------------------

  Map<String, Object> section(String name) {
    Object value = root.get(name);
    return value == null ? Map.of() : cast(value);
  }

  Map<String, Object> parameters() {
    return section("Parameters");
  }

  Map<String, Object> resources() {
    return section("Resources");
  }

  Map<String, Object> conditions() {
    return section("Conditions");
  }

  Map<String, Object> outputs() {
    return section("Outputs");
  }

  Map<String, Object> resource(String logicalId) {
    Object value = resources().get(logicalId);
    if (value == null) {
      throw new AssertionError(file.getFileName() + " has no resource " + logicalId);
    }
    return cast(value);
  }

  static String type(Map<String, Object> resource) {
    return (String) resource.get("Type");
  }

  static Map<String, Object> properties(Map<String, Object> resource) {
    Object value = resource.get("Properties");
    return value == null ? Map.of() : cast(value);
  }

  /** Logical ids of the resources of a type, in template order. */
  List<String> resourcesOfType(String type) {
    List<String> ids = new ArrayList<>();
    resources().forEach((id, r) -> {
      if (type.equals(type(cast(r)))) {
        ids.add(id);
      }
    });
    return ids;
  }

  /** A function property after SAM's Globals merge: maps merge key by key (local wins), lists concatenate. */
  Object functionProperty(String logicalId, String property) {
    Object global = Optional.ofNullable(section("Globals").get("Function"))
        .map(f -> Cfn.<Map<String, Object>>cast(f).get(property)).orElse(null);
    Object local = properties(resource(logicalId)).get(property);
    return mergeGlobal(global, local);
  }

  static Object mergeGlobal(Object global, Object local) {
    if (global == null) {
      return local;
    }
    if (local == null) {
      return global;
    }
    boolean globalMap = global instanceof Map<?, ?> && !isIntrinsic(global);
    boolean localMap = local instanceof Map<?, ?> && !isIntrinsic(local);
    if (globalMap && localMap) {
      Map<String, Object> merged = new LinkedHashMap<>(cast(global));
      Cfn.<Map<String, Object>>cast(local).forEach((k, v) -> merged.put(k, mergeGlobal(merged.get(k), v)));
      return merged;
    }
    if (global instanceof List<?> g && local instanceof List<?> l) {
      List<Object> merged = new ArrayList<>(g);
      merged.addAll(l);
      return merged;
    }
    return local;
  }

  /** Resource names SAM generates for a function that templates may reference. */
  Set<String> samGeneratedNames() {
    Set<String> names = new LinkedHashSet<>();
    for (String fn : resourcesOfType("AWS::Serverless::Function")) {
      Map<String, Object> props = properties(resource(fn));
      if (props.get("Role") == null) {
        names.add(fn + "Role");
      }
      Object alias = functionProperty(fn, "AutoPublishAlias");
      if (alias instanceof String a) {
        names.add(fn + "Alias" + a.replaceAll("[^A-Za-z0-9]", ""));
        names.add(fn + ".Alias");
        names.add(fn + ".Version");
      }
      Object events = props.get("Events");
      if (events instanceof Map<?, ?> map) {
        map.keySet().forEach(e -> names.add(fn + e));
      }
    }
    return names;
  }

  // ---- intrinsics --------------------------------------------------------------------------------------------

  static boolean isIntrinsic(Object value) {
    if (!(value instanceof Map<?, ?> map) || map.size() != 1) {
      return false;
    }
    String key = String.valueOf(map.keySet().iterator().next());
    return key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::");
  }

  static boolean isRef(Object value, String target) {
    return value instanceof Map<?, ?> map && map.size() == 1 && target.equals(map.get("Ref"));
  }

  static Optional<String> refTarget(Object value) {
    return value instanceof Map<?, ?> map && map.size() == 1 && map.get("Ref") instanceof String s
        ? Optional.of(s) : Optional.empty();
  }

  static boolean isNoValue(Object value) {
    return isRef(value, "AWS::NoValue");
  }

  /** For {@code Fn::If}: [condition, then, else]; otherwise empty. */
  static Optional<List<Object>> ifParts(Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1 && map.get("Fn::If") instanceof List<?> parts
        && parts.size() == 3) {
      return Optional.of(cast(parts));
    }
    return Optional.empty();
  }

  /**
   * Every concrete value a property can take: both branches of each {@code Fn::If} (AWS::NoValue dropped), and
   * list elements flattened one level (CloudFormation lets a list property hold an If that yields a list).
   */
  static List<Object> alternatives(Object value) {
    List<Object> out = new ArrayList<>();
    Optional<List<Object>> parts = ifParts(value);
    if (parts.isPresent()) {
      out.addAll(alternatives(parts.get().get(1)));
      out.addAll(alternatives(parts.get().get(2)));
    } else if (value instanceof List<?> list) {
      list.forEach(e -> out.addAll(alternatives(e)));
    } else if (value != null && !isNoValue(value)) {
      out.add(value);
    }
    return out;
  }

  /** The template string of a {@code Fn::Sub} (either form), or empty. */
  static Optional<String> subTemplate(Object value) {
    if (value instanceof Map<?, ?> map && map.size() == 1 && map.containsKey("Fn::Sub")) {
      Object sub = map.get("Fn::Sub");
      if (sub instanceof String s) {
        return Optional.of(s);
      }
      if (sub instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The variable map of a two-element {@code Fn::Sub}, or an empty map. */
  static Map<String, Object> subVariables(Object value) {
    if (value instanceof Map<?, ?> map && map.get("Fn::Sub") instanceof List<?> l && l.size() == 2
        && l.get(1) instanceof Map<?, ?> vars) {
      return cast(vars);
    }
    return Map.of();
  }

  /** Names in {@code ${...}} of a Sub template ({@code ${!Literal}} excluded), attribute suffixes kept. */
  static List<String> subVariableNames(String template) {
    List<String> names = new ArrayList<>();
    Matcher m = SUB_VARIABLE.matcher(template);
    while (m.find()) {
      names.add(m.group(1).trim());
    }
    return names;
  }

  /**
   * A readable string for a resource-like value: literal text, a Sub template as written, {@code ${Name}} for a
   * Ref, {@code ${Res.Attr}} for a GetAtt, joined parts for a Join.
   */
  static String render(Object value) {
    if (value instanceof String s) {
      return s;
    }
    Optional<String> sub = subTemplate(value);
    if (sub.isPresent()) {
      return sub.get();
    }
    Optional<String> ref = refTarget(value);
    if (ref.isPresent()) {
      return "${" + ref.get() + "}";
    }
    if (value instanceof Map<?, ?> map && map.get("Fn::GetAtt") instanceof List<?> l) {
      return "${" + String.join(".", l.stream().map(String::valueOf).toList()) + "}";
    }
    if (value instanceof Map<?, ?> map && map.get("Fn::Join") instanceof List<?> l && l.size() == 2
        && l.get(1) instanceof List<?> parts) {
      return String.join(String.valueOf(l.get(0)), parts.stream().map(Cfn::render).toList());
    }
    return String.valueOf(value);
  }

  /** Parameters a value depends on: Refs, Sub variables and the Refs inside a Sub's variable map. */
  Set<String> parametersIn(Object value) {
    Set<String> found = new LinkedHashSet<>();
    collectParameters(value, found);
    return found;
  }

  private void collectParameters(Object value, Set<String> found) {
    if (value instanceof Map<?, ?> map) {
      Optional<String> ref = refTarget(value);
      if (ref.isPresent()) {
        if (parameters().containsKey(ref.get())) {
          found.add(ref.get());
        }
        return;
      }
      Optional<String> sub = subTemplate(value);
      if (sub.isPresent()) {
        Map<String, Object> vars = subVariables(value);
        for (String name : subVariableNames(sub.get())) {
          if (!vars.containsKey(name) && parameters().containsKey(name)) {
            found.add(name);
          }
        }
        vars.values().forEach(v -> collectParameters(v, found));
        return;
      }
      map.values().forEach(v -> collectParameters(v, found));
    } else if (value instanceof List<?> list) {
      list.forEach(v -> collectParameters(v, found));
    }
  }

  // ---- IAM ---------------------------------------------------------------------------------------------------

  /** One IAM policy statement and where it was found. */
  record Statement(String owner, Map<String, Object> body) {
    List<String> actions() {
      return alternatives(body.get("Action")).stream().map(String::valueOf).toList();
    }

    List<Object> resources() {
      return alternatives(body.get("Resource"));
    }

    String sid() {
      return String.valueOf(body.getOrDefault("Sid", "(no Sid)"));
    }
  }

  /**
   * Every inline policy statement: SAM function {@code Policies} documents, {@code AWS::IAM::Role} inline
   * policies, {@code AWS::IAM::Policy}/{@code ManagedPolicy} documents; both branches of conditional statements.
   */
  List<Statement> statements() {
    List<Statement> out = new ArrayList<>();
    resources().forEach((id, r) -> {
      Map<String, Object> resource = cast(r);
      Map<String, Object> props = properties(resource);
      switch (String.valueOf(type(resource))) {
        case "AWS::Serverless::Function" -> {
          for (Object policy : alternatives(props.get("Policies"))) {
            if (policy instanceof Map<?, ?> doc && doc.containsKey("Statement")) {
              addStatements(id, doc.get("Statement"), out);
            }
          }
        }
        case "AWS::IAM::Role" -> {
          for (Object policy : alternatives(props.get("Policies"))) {
            if (policy instanceof Map<?, ?> p && p.get("PolicyDocument") instanceof Map<?, ?> doc) {
              addStatements(id, doc.get("Statement"), out);
            }
          }
        }
        case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" -> {
          if (props.get("PolicyDocument") instanceof Map<?, ?> doc) {
            addStatements(id, doc.get("Statement"), out);
          }
        }
        default -> {
        }
      }
    });
    return out;
  }

  private static void addStatements(String owner, Object statementList, List<Statement> out) {
    for (Object s : alternatives(statementList)) {
      if (s instanceof Map<?, ?> map) {
        out.add(new Statement(owner, cast(map)));
      }
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object value) {
    return (T) value;
  }

  /** Builds the long form of each CloudFormation short-form tag. */
  private static final class IntrinsicConstructor extends SafeConstructor {
    IntrinsicConstructor(LoaderOptions options) {
      super(options);
      for (String fn : List.of("Sub", "If", "Equals", "Not", "And", "Or", "Join", "Select", "Split",
          "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs", "GetAtt", "Transform", "ToJsonString",
          "Length")) {
        yamlConstructors.put(new Tag("!" + fn), new Intrinsic("Fn::" + fn));
      }
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String name;

      Intrinsic(String name) {
        this.name = name;
      }

      @Override
      public Object construct(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
          value = constructScalar(scalar);
        } else if (node instanceof SequenceNode sequence) {
          value = constructSequence(sequence);
        } else {
          value = constructMapping((MappingNode) node);
        }
        if (name.equals("Fn::GetAtt") && value instanceof String s) {
          int dot = s.indexOf('.');
          value = dot < 0 ? List.of(s) : List.of(s.substring(0, dot), s.substring(dot + 1));
        }
        Map<String, Object> intrinsic = new LinkedHashMap<>();
        intrinsic.put(name, value);
        return intrinsic;
      }
    }
  }
}
