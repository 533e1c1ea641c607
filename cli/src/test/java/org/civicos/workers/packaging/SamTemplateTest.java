package org.civicos.workers.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.civicos.workers.runtime.QueueCatalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks template.yaml (and the nested infra/ templates) the way SAM, cfn-lint and a reviewer would, without
 * SAM CLI or AWS: every handler exists in its built Lambda artifact, every reference resolves, IAM stays least
 * privilege, and the settings the Java code reads are wired from parameters.
 */
class SamTemplateTest {
  /** The four functions; logical ids, code locations and handlers are fixed (docs and tests use them). */
  record Function(String id, String dir, String handler, int memory, int timeout, String queue) {
    boolean isPoller() {
      return queue == null;
    }

    String handlerClass() {
      return handler.substring(0, handler.indexOf("::"));
    }

    String handlerMethod() {
      return handler.substring(handler.indexOf("::") + 2);
    }

    @Override
    public String toString() {
      return id;
    }
  }

  static final List<Function> FUNCTIONS = List.of(
      new Function("PollerFunction", "poller", "org.civicos.workers.poller.PollerHandler::handleRequest", 512, 60,
          null),
      new Function("S3SignerFunction", "s3-signer", "org.civicos.workers.s3.S3SignerFunction::handleRequest", 512,
          60, QueueCatalog.S3_SIGNER),
      new Function("ThumbnailFunction", "thumbnail-worker",
          "org.civicos.workers.thumbnail.ThumbnailFunction::handleRequest", 1536, 300, QueueCatalog.THUMBNAILS),
      new Function("NotificationFunction", "notification-worker",
          "org.civicos.workers.notification.NotificationFunction::handleRequest", 512, 120,
          QueueCatalog.NOTIFICATIONS));

  /** Settings the workers will read that no main code reads yet (named by the deployment brief). */
  static final Set<String> PENDING_WORKER_SETTINGS = Set.of("S3_BUCKET", "S3_PUBLIC_ENDPOINT",
      "THUMBNAIL_ALLOWED_BUCKETS", "SES_FROM", "SES_REPLY_TO", "SES_CONFIGURATION_SET", "SITE_URL",
      "NOTIFICATION_TIMEZONE");

  static final Set<String> GUARDED_SERVICES = Set.of("rds-db", "lambda", "s3", "ses");
  static final String ALIAS = "live";

  static Path root;
  static Cfn template;
  static Cfn proxyTemplate;

  @BeforeAll
  static void load() {
    root = Cfn.repoRoot();
    template = Cfn.load(root.resolve("template.yaml"));
    proxyTemplate = Cfn.load(root.resolve("infra/rds-proxy.yaml"));
  }

  static Stream<Function> functions() {
    return FUNCTIONS.stream();
  }

  static Stream<Function> handlers() {
    return FUNCTIONS.stream().filter(f -> !f.isPoller());
  }

  static Stream<Cfn> templates() {
    load();
    return Stream.of(template, proxyTemplate);
  }

  // ---- shape -------------------------------------------------------------------------------------------------

  @Test
  void isASamTemplateWithExactlyTheFourFunctions() {
    assertThat(template.root.get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
    assertThat(template.resourcesOfType("AWS::Serverless::Function"))
        .containsExactlyInAnyOrderElementsOf(FUNCTIONS.stream().map(Function::id).toList());
  }

  @ParameterizedTest
  @MethodSource("functions")
  void functionRunsJava21OnArm64WithItsMemoryAndTimeout(Function fn) {
    Map<String, Object> props = Cfn.properties(template.resource(fn.id()));
    assertThat(props.get("CodeUri")).isEqualTo("functions/" + fn.dir());
    assertThat(props.get("Handler")).isEqualTo(fn.handler());
    assertThat(template.functionProperty(fn.id(), "Runtime")).isEqualTo("java21");
    assertThat(template.functionProperty(fn.id(), "Architectures")).isEqualTo(List.of("arm64"));
    assertThat(template.functionProperty(fn.id(), "MemorySize")).isEqualTo(fn.memory());
    assertThat(template.functionProperty(fn.id(), "Timeout")).isEqualTo(fn.timeout());
    assertThat(Cfn.subTemplate(props.get("FunctionName")))
        .as("%s needs an explicit FunctionName so IAM can name its ARN without !GetAtt", fn.id())
        .hasValue("${AWS::StackName}-" + fn.dir());
  }

  // ---- handlers exist in the built artifact ------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("functions")
  void handlerIsAPublicStreamHandlerInTheBuiltArtifact(Function fn) throws Exception {
    // What the template says, not what this test expects: the handler string and the code location.
    Map<String, Object> props = Cfn.properties(template.resource(fn.id()));
    String handlerSpec = String.valueOf(props.get("Handler"));
    assertThat(handlerSpec).as("Handler of %s is package.Class::method", fn.id()).matches("[\\w.$]+::\\w+");
    String handlerClass = handlerSpec.substring(0, handlerSpec.indexOf("::"));
    String handlerMethod = handlerSpec.substring(handlerSpec.indexOf("::") + 2);
    Path codeUri = root.resolve(String.valueOf(props.get("CodeUri")));
    Path artifact = codeUri.resolve("target").resolve(codeUri.getFileName() + "-lambda");
    assertThat(artifact.resolve("lib"))
        .as("Lambda artifact of %s; build it first (mvn package, or this module's verify run)", fn.id())
        .isDirectory();
    List<URL> urls = new ArrayList<>();
    urls.add(artifact.toUri().toURL());
    try (Stream<Path> jars = Files.list(artifact.resolve("lib"))) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        urls.add(jar.toUri().toURL());
      }
    }
    // Parent = the platform loader: JDK classes only, so nothing on the test classpath can satisfy the lookup.
    try (URLClassLoader loader = new URLClassLoader(fn.id(), urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader())) {
      Class<?> handler = Class.forName(handlerClass, false, loader);
      assertThat(handler.getClassLoader()).isSameAs(loader);
      assertThat(Path.of(handler.getProtectionDomain().getCodeSource().getLocation().toURI()).toRealPath())
          .as("%s must sit at the artifact root, not in a jar", handlerClass).isEqualTo(artifact.toRealPath());
      assertThat(Modifier.isPublic(handler.getModifiers())).as("public class").isTrue();
      assertThat(Modifier.isAbstract(handler.getModifiers())).as("concrete class").isFalse();
      assertThat(Modifier.isPublic(handler.getConstructor().getModifiers())).as("public no-arg constructor")
          .isTrue();

      Class<?> context = Class.forName("com.amazonaws.services.lambda.runtime.Context", false, loader);
      assertThat(context.getClassLoader()).as("Context comes from the artifact's lib/").isSameAs(loader);
      Method method = handler.getMethod(handlerMethod, InputStream.class, OutputStream.class, context);
      assertThat(Modifier.isPublic(method.getModifiers())).isTrue();
      assertThat(Modifier.isStatic(method.getModifiers())).isFalse();
      Class<?> streamHandler = Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler", false,
          loader);
      assertThat(streamHandler.isAssignableFrom(handler)).isTrue();
    }
  }

  // ---- build -------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("functions")
  void functionIsBuiltByItsMakefile(Function fn) throws IOException {
    Map<String, Object> metadata = Cfn.cast(template.resource(fn.id()).get("Metadata"));
    assertThat(metadata).containsEntry("BuildMethod", "makefile");
    Path makefile = root.resolve(String.valueOf(Cfn.properties(template.resource(fn.id())).get("CodeUri")))
        .resolve("Makefile");
    assertThat(makefile).isRegularFile();
    assertThat(Files.readAllLines(makefile)).anyMatch(line -> line.startsWith("build-" + fn.id() + ":"));
  }

  // ---- references --------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("templates")
  void everyReferenceResolves(Cfn cfn) {
    List<String> problems = new ArrayList<>();
    new ReferenceChecker(cfn, problems).check();
    assertThat(problems).as("unresolved references in %s", cfn.file.getFileName()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("templates")
  void everyParameterAndConditionIsUsed(Cfn cfn) {
    Set<String> used = new LinkedHashSet<>();
    Set<String> conditionsUsed = new LinkedHashSet<>();
    for (String section : List.of("Resources", "Outputs", "Conditions", "Globals")) {
      collectUses(cfn.root.get(section), used, conditionsUsed);
    }
    cfn.resources().values().forEach(r -> {
      Object condition = Cfn.<Map<String, Object>>cast(r).get("Condition");
      if (condition instanceof String c) {
        conditionsUsed.add(c);
      }
    });
    assertThat(used).as("parameters used in %s", cfn.file.getFileName())
        .containsAll(cfn.parameters().keySet());
    assertThat(conditionsUsed).as("conditions used in %s", cfn.file.getFileName())
        .containsAll(cfn.conditions().keySet());
  }

  private static void collectUses(Object node, Set<String> refs, Set<String> conditions) {
    if (node instanceof Map<?, ?> map) {
      Cfn.refTarget(node).ifPresent(refs::add);
      Cfn.subTemplate(node).ifPresent(t -> refs.addAll(Cfn.subVariableNames(t)));
      Cfn.ifParts(node).ifPresent(p -> conditions.add(String.valueOf(p.get(0))));
      if (map.size() == 1 && map.get("Condition") instanceof String c) {
        conditions.add(c);
      }
      map.values().forEach(v -> collectUses(v, refs, conditions));
    } else if (node instanceof List<?> list) {
      list.forEach(v -> collectUses(v, refs, conditions));
    }
  }

  // ---- parameters --------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("templates")
  void everyParameterHasADescriptionAndAValidDefault(Cfn cfn) {
    cfn.parameters().forEach((name, p) -> {
      Map<String, Object> param = Cfn.cast(p);
      assertThat(param.get("Description")).as("%s Description", name).isInstanceOf(String.class);
      assertThat(((String) param.get("Description")).isBlank()).as("%s Description is blank", name).isFalse();
      assertThat(param).as("%s needs a Default (a safe value, or empty meaning not set)", name)
          .containsKey("Default");
      String def = String.valueOf(param.get("Default"));
      if (param.get("AllowedValues") instanceof List<?> allowed) {
        assertThat(allowed.stream().map(String::valueOf).toList()).as("%s AllowedValues", name).contains(def);
      }
      if (param.get("AllowedPattern") instanceof String pattern && "String".equals(param.get("Type"))) {
        assertThat(Pattern.compile(pattern).matcher(def).matches())
            .as("%s Default '%s' matches its AllowedPattern %s", name, def, pattern).isTrue();
      }
      if ("Number".equals(param.get("Type"))) {
        double value = Double.parseDouble(def);
        if (param.get("MinValue") instanceof Number min) {
          assertThat(value).as("%s Default >= MinValue", name).isGreaterThanOrEqualTo(min.doubleValue());
        }
        if (param.get("MaxValue") instanceof Number max) {
          assertThat(value).as("%s Default <= MaxValue", name).isLessThanOrEqualTo(max.doubleValue());
        }
      }
    });
  }

  @Test
  void deployingGuideExplainsEveryParameter() throws IOException {
    String guide = Files.readString(root.resolve("docs/deploying.md"), StandardCharsets.UTF_8);
    assertThat(template.parameters().keySet()).allSatisfy(name -> assertThat(guide).contains("`" + name + "`"));
  }

  // ---- IAM ---------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("templates")
  void noStatementHasAWildcardResource(Cfn cfn) {
    for (Cfn.Statement s : cfn.statements()) {
      List<String> rendered = s.resources().stream().map(Cfn::render).toList();
      assertThat(rendered).as("%s %s resources", s.owner(), s.sid()).isNotEmpty().doesNotContain("*");
      assertThat(s.body().get("Effect")).as("%s %s", s.owner(), s.sid()).isEqualTo("Allow");
      assertThat(s.body()).as("%s %s: no NotAction/NotResource", s.owner(), s.sid())
          .doesNotContainKeys("NotAction", "NotResource");
    }
  }

  @ParameterizedTest
  @MethodSource("templates")
  void databaseLambdaS3AndSesStatementsAreScopedToNamedResources(Cfn cfn) {
    for (Cfn.Statement s : cfn.statements()) {
      List<String> services = s.actions().stream().map(a -> a.contains(":") ? a.substring(0, a.indexOf(':')) : a)
          .toList();
      if (services.stream().noneMatch(svc -> GUARDED_SERVICES.contains(svc) || svc.equals("*"))) {
        continue;
      }
      assertThat(s.actions()).as("%s %s: explicit actions", s.owner(), s.sid()).noneMatch(a -> a.contains("*"));
      for (Object resource : s.resources()) {
        String r = Cfn.render(resource);
        if (services.contains("s3")) {
          assertThat(r.replaceAll("/\\*$", "")).as("%s %s: only a trailing /* (objects of one bucket)", s.owner(),
              s.sid()).doesNotContain("*");
        } else {
          assertThat(r).as("%s %s resource", s.owner(), s.sid()).doesNotContain("*");
        }
        for (String param : cfn.parametersIn(resource)) {
          Map<String, Object> p = Cfn.cast(cfn.parameters().get(param));
          assertThat(p.get("AllowedPattern"))
              .as("parameter %s is part of an IAM resource, so its AllowedPattern must forbid '*'", param)
              .isInstanceOf(String.class);
          Pattern pattern = Pattern.compile((String) p.get("AllowedPattern"));
          assertThat(Stream.of("*", "a*", "*a", "a*b")).as("%s accepts a wildcard", param)
              .noneMatch(v -> pattern.matcher(v).matches());
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("functions")
  void everyFunctionConnectsOnlyAsDbUserThroughTheProxyInUse(Function fn) {
    List<Cfn.Statement> rds = statementsWithService(fn, "rds-db");
    assertThat(rds).hasSize(1);
    assertThat(rds.get(0).actions()).containsExactly("rds-db:connect");
    assertThat(rds.get(0).resources()).hasSize(1);
    Object resource = rds.get(0).resources().get(0);
    Matcher m = Pattern.compile(Pattern.quote("arn:${AWS::Partition}:rds-db:${AWS::Region}:${AWS::AccountId}:dbuser:${")
        + "(\\w+)" + Pattern.quote("}/${DbUser}")).matcher(Cfn.subTemplate(resource).orElse(""));
    assertThat(m.matches()).as("rds-db:connect resource %s", Cfn.render(resource)).isTrue();
    assertProxyChoice(Cfn.subVariables(resource).get(m.group(1)), "ProxyResourceId", "ProxyResourceId");
  }

  @ParameterizedTest
  @MethodSource("handlers")
  void handlerMayInvokeOnlyItselfUnqualifiedOrLive(Function fn) {
    List<Cfn.Statement> lambda = statementsWithService(fn, "lambda");
    assertThat(lambda).hasSize(1);
    assertThat(lambda.get(0).actions()).containsExactly("lambda:InvokeFunction");
    String arn = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-"
        + fn.dir();
    assertThat(lambda.get(0).resources().stream().map(r -> Cfn.subTemplate(r).orElse(Cfn.render(r))))
        .containsExactlyInAnyOrder(arn, arn + ":" + ALIAS);
  }

  @Test
  void pollerMayInvokeOnlyTheThreeHandlerAliases() {
    Function poller = FUNCTIONS.get(0);
    List<Cfn.Statement> lambda = statementsWithService(poller, "lambda");
    assertThat(lambda).hasSize(1);
    assertThat(lambda.get(0).actions()).containsExactly("lambda:InvokeFunction");
    assertThat(lambda.get(0).resources()).containsExactlyInAnyOrderElementsOf(
        handlers().map(h -> (Object) Map.of("Ref", h.id() + "Alias" + ALIAS)).toList());
    assertThat(statementsWithService(poller, "s3")).isEmpty();
    assertThat(statementsWithService(poller, "ses")).isEmpty();
  }

  @Test
  void signerMayOnlyPutObjectsIntoTheFilesBucket() {
    Function signer = function("S3SignerFunction");
    List<Cfn.Statement> s3 = statementsWithService(signer, "s3");
    assertThat(s3).hasSize(1);
    assertThat(s3.get(0).actions()).contains("s3:PutObject").isSubsetOf("s3:PutObject", "s3:PutObjectAcl");
    assertThat(s3.get(0).resources().stream().map(Cfn::render))
        .containsOnly("arn:${AWS::Partition}:s3:::${FilesBucket}/*");
    List<Object> acl = Cfn.ifParts(s3.get(0).body().get("Action")).orElseThrow(() -> new AssertionError(
        "s3:PutObjectAcl only under a condition on AllowObjectAcl"));
    assertThat(template.conditions().get(String.valueOf(acl.get(0))))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "AllowObjectAcl"), "true")));
    assertThat(acl.get(2)).isEqualTo(List.of("s3:PutObject"));
    assertThat(Cfn.<Map<String, Object>>cast(template.parameters().get("AllowObjectAcl")))
        .containsEntry("Default", "false");
    assertThat(statementsWithService(signer, "ses")).isEmpty();
  }

  @Test
  void thumbnailsMayReadAndWriteObjectsOfTheFilesBucketOnly() {
    Function thumbnails = function("ThumbnailFunction");
    List<String> objectActions = new ArrayList<>();
    for (Cfn.Statement s : statementsWithService(thumbnails, "s3")) {
      for (String action : s.actions()) {
        boolean bucketLevel = action.equals("s3:ListBucket");
        assertThat(s.resources().stream().map(Cfn::render)).as(action).containsOnly(bucketLevel
            ? "arn:${AWS::Partition}:s3:::${FilesBucket}" : "arn:${AWS::Partition}:s3:::${FilesBucket}/*");
        if (!bucketLevel) {
          objectActions.add(action);
        }
      }
    }
    assertThat(objectActions).contains("s3:GetObject", "s3:PutObject")
        .isSubsetOf("s3:GetObject", "s3:PutObject", "s3:PutObjectAcl");
    assertThat(statementsWithService(thumbnails, "ses")).isEmpty();
  }

  @Test
  void notificationsMaySendEmailFromOneIdentityOnly() {
    Function notifications = function("NotificationFunction");
    List<Cfn.Statement> ses = statementsWithService(notifications, "ses");
    assertThat(ses).hasSize(1);
    assertThat(ses.get(0).actions()).containsExactly("ses:SendEmail");
    assertThat(ses.get(0).resources().stream().map(Cfn::render).distinct()).containsExactlyInAnyOrder(
        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SesIdentity}",
        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${SesConfigurationSet}");
    assertThat(statementsWithService(notifications, "s3")).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("functions")
  void policiesAreInlineStatementsNotSamPolicyTemplates(Function fn) {
    Object policies = Cfn.properties(template.resource(fn.id())).get("Policies");
    assertThat(Cfn.alternatives(policies)).isNotEmpty().allSatisfy(p -> assertThat(p)
        .as("%s: inline policy documents only (SAM templates such as LambdaInvokePolicy grant name prefixes)",
            fn.id())
        .isInstanceOfSatisfying(Map.class, m -> assertThat(m).containsKey("Statement")));
  }

  // ---- concurrency, fan-out, environment ---------------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("handlers")
  void handlerReservedConcurrencyIsAParameterThePollerAlsoKnows(Function fn) {
    Object reserved = template.functionProperty(fn.id(), "ReservedConcurrentExecutions");
    String param = Cfn.refTarget(reserved).orElseThrow(() -> new AssertionError(
        fn.id() + " ReservedConcurrentExecutions must come from a parameter, got " + reserved));
    Map<String, Object> p = Cfn.cast(template.parameters().get(param));
    assertThat(p).containsEntry("Type", "Number").containsEntry("MinValue", 0);
    assertThat(p.get("Default")).isEqualTo(2);
    String prefix = fn.queue().toUpperCase(Locale.ROOT);
    assertThat(pollerEnvironment().get(prefix + "_MAX_CONCURRENCY")).isEqualTo(Map.of("Ref", param));
  }

  @Test
  void pollerRunsOneTickAtATime() {
    assertThat(template.functionProperty("PollerFunction", "ReservedConcurrentExecutions")).isEqualTo(1);
  }

  @Test
  void pollerActivatesEachQueuesHandlerThroughItsLiveAlias() {
    Map<String, Object> env = pollerEnvironment();
    for (QueueCatalog.Entry entry : QueueCatalog.all()) {
      Function handler = FUNCTIONS.stream().filter(f -> f.dir().equals(entry.function())).findFirst()
          .orElseThrow(() -> new AssertionError("no function for queue " + entry.queue()));
      assertThat(handler.queue()).isEqualTo(entry.queue());
      String prefix = entry.queue().toUpperCase(Locale.ROOT);
      assertThat(env.get(prefix + "_FUNCTION")).as(prefix + "_FUNCTION")
          .isEqualTo(Map.of("Ref", handler.id() + "Alias" + ALIAS));
      String jobs = Cfn.refTarget(env.get(prefix + "_JOBS_PER_INVOCATION")).orElseThrow();
      assertThat(Cfn.<Map<String, Object>>cast(template.parameters().get(jobs))).containsEntry("Type", "Number");
    }
    assertThat(env).containsKeys("POLLER_PARALLELISM", "ENABLED_QUEUES", "RESCUE_AFTER");
  }

  @ParameterizedTest
  @MethodSource("functions")
  void databaseSettingsAreIamThroughTheProxyWithOneKeptConnection(Function fn) {
    Map<String, Object> env = environment(fn.id());
    assertThat(env.get("DB_AUTH")).isEqualTo("iam");
    assertThat(env.get("DB_RELEASE")).isEqualTo("keep");
    assertThat(String.valueOf(env.get("DB_MAX_CONNS"))).isEqualTo("1");
    assertThat(env).containsKeys("TENANTS", "RIVER_SCHEMA");
    Object url = env.get("DATABASE_URL");
    Matcher m = Pattern.compile(Pattern.quote("postgres://${DbUser}@${") + "(\\w+)"
        + Pattern.quote("}:5432/${DbName}?sslmode=verify-full")).matcher(Cfn.subTemplate(url).orElse(""));
    assertThat(m.matches()).as("DATABASE_URL %s", Cfn.render(url)).isTrue();
    assertProxyChoice(Cfn.subVariables(url).get(m.group(1)), "ProxyEndpoint", "ProxyEndpoint");
  }

  @ParameterizedTest
  @MethodSource("functions")
  void everyEnvironmentVariableIsOneTheCodeReads(Function fn) throws IOException {
    Set<String> known = new TreeSet<>(settingsReadByMainCode());
    known.addAll(PENDING_WORKER_SETTINGS);
    for (QueueCatalog.Entry entry : QueueCatalog.all()) {
      String prefix = entry.queue().toUpperCase(Locale.ROOT);
      known.addAll(List.of(prefix + "_FUNCTION", prefix + "_JOBS_PER_INVOCATION", prefix + "_MAX_CONCURRENCY"));
    }
    assertThat(environment(fn.id()).keySet()).as("%s environment", fn.id()).isSubsetOf(known);
  }

  // ---- SnapStart, aliases, logs, async failures ----------------------------------------------------------------

  @ParameterizedTest
  @MethodSource("functions")
  void snapStartIsAParameterAndEveryChangePublishesTheLiveAlias(Function fn) {
    Object snapStart = template.functionProperty(fn.id(), "SnapStart");
    assertThat(snapStart).isInstanceOf(Map.class);
    String param = Cfn.refTarget(Cfn.<Map<String, Object>>cast(snapStart).get("ApplyOn")).orElseThrow();
    Map<String, Object> p = Cfn.cast(template.parameters().get(param));
    assertThat(p.get("AllowedValues")).isEqualTo(List.of("PublishedVersions", "None"));
    assertThat(p.get("Default")).isEqualTo("None");
    assertThat(template.functionProperty(fn.id(), "AutoPublishAlias")).isEqualTo(ALIAS);
    assertThat(template.functionProperty(fn.id(), "AutoPublishAliasAllProperties"))
        .as("%s: without it a changed setting (not code) leaves the alias on the old version", fn.id())
        .isEqualTo(true);
  }

  @ParameterizedTest
  @MethodSource("functions")
  void logsAreJsonInAnOwnGroupWithRetention(Function fn) {
    Map<String, Object> logging = Cfn.cast(template.functionProperty(fn.id(), "LoggingConfig"));
    assertThat(logging).containsEntry("LogFormat", "JSON");
    String group = Cfn.refTarget(logging.get("LogGroup")).orElseThrow();
    Map<String, Object> resource = template.resource(group);
    assertThat(Cfn.type(resource)).isEqualTo("AWS::Logs::LogGroup");
    Map<String, Object> props = Cfn.properties(resource);
    assertThat(Cfn.subTemplate(props.get("LogGroupName"))).hasValue("/aws/lambda/${AWS::StackName}-" + fn.dir());
    String retention = Cfn.refTarget(props.get("RetentionInDays")).orElseThrow();
    assertThat(Cfn.<Map<String, Object>>cast(template.parameters().get(retention))).containsEntry("Default", 30);
    long sharing = handlersAndPoller().filter(f -> logging.get("LogGroup").equals(
        Cfn.<Map<String, Object>>cast(template.functionProperty(f.id(), "LoggingConfig")).get("LogGroup"))).count();
    assertThat(sharing).as("log group %s is used by one function only", group).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("functions")
  void failedAsyncInvocationsRetryBoundedlyThenGoToTheDeadLetterQueue(Function fn) {
    Map<String, Object> config = Cfn.cast(template.functionProperty(fn.id(), "EventInvokeConfig"));
    assertThat(numberValue(config.get("MaximumRetryAttempts"), "MaxValue")).isBetween(0, 2);
    assertThat(numberValue(config.get("MaximumEventAgeInSeconds"), "MaxValue")).isBetween(60, 21600);
    assertThat(numberValue(config.get("MaximumEventAgeInSeconds"), "MinValue")).isGreaterThanOrEqualTo(60);
    Map<String, Object> onFailure = Cfn.cast(Cfn.<Map<String, Object>>cast(config.get("DestinationConfig"))
        .get("OnFailure"));
    assertThat(onFailure).containsEntry("Type", "SQS");
    @SuppressWarnings("unchecked")
    List<Object> target = (List<Object>) Cfn.<Map<String, Object>>cast(onFailure.get("Destination")).get("Fn::GetAtt");
    assertThat(target.get(1)).isEqualTo("Arn");
    assertThat(Cfn.type(template.resource((String) target.get(0)))).isEqualTo("AWS::SQS::Queue");
  }

  @Test
  void pollerRunsOnAParameterisedSchedule() {
    Map<String, Object> events = Cfn.cast(Cfn.properties(template.resource("PollerFunction")).get("Events"));
    assertThat(events).hasSize(1);
    Map<String, Object> event = Cfn.cast(events.values().iterator().next());
    assertThat(event.get("Type")).isIn("Schedule", "ScheduleV2");
    Map<String, Object> props = Cfn.properties(event);
    Object expression = props.containsKey("Schedule") ? props.get("Schedule") : props.get("ScheduleExpression");
    String param = Cfn.refTarget(expression).orElseThrow();
    assertThat(Cfn.<Map<String, Object>>cast(template.parameters().get(param)))
        .containsEntry("Default", "rate(1 minute)");
    handlers().forEach(h -> assertThat(Cfn.properties(template.resource(h.id())).get("Events"))
        .as("%s is activated by the poller only", h.id()).isNull());
  }

  @ParameterizedTest
  @MethodSource("handlers")
  void handlerContinuationsAreNotCutByLoopDetection(Function fn) {
    assertThat(template.functionProperty(fn.id(), "RecursiveLoop")).isEqualTo("Allow");
  }

  @ParameterizedTest
  @MethodSource("functions")
  void vpcIsOptional(Function fn) {
    List<Object> parts = Cfn.ifParts(template.functionProperty(fn.id(), "VpcConfig"))
        .orElseThrow(() -> new AssertionError("VpcConfig must be !If [condition, config, !Ref AWS::NoValue]"));
    assertThat(template.conditions()).containsKey(String.valueOf(parts.get(0)));
    assertThat(Cfn.isNoValue(parts.get(2))).isTrue();
    Map<String, Object> vpc = Cfn.cast(parts.get(1));
    for (String key : List.of("SubnetIds", "SecurityGroupIds")) {
      String param = Cfn.refTarget(vpc.get(key)).orElseThrow();
      assertThat(Cfn.<Map<String, Object>>cast(template.parameters().get(param)))
          .containsEntry("Type", "CommaDelimitedList").containsEntry("Default", "");
    }
  }

  // ---- RDS Proxy ---------------------------------------------------------------------------------------------

  @Test
  void proxyStackIsOptionalAndRequiresIamFromClients() {
    Map<String, Object> stack = template.resource("RdsProxy");
    assertThat(Cfn.type(stack)).isEqualTo("AWS::CloudFormation::Stack");
    String condition = (String) stack.get("Condition");
    assertThat(template.conditions().get(condition))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "CreateRdsProxy"), "true")));
    assertThat(Cfn.<Map<String, Object>>cast(template.parameters().get("CreateRdsProxy")))
        .containsEntry("Default", "false");
    Map<String, Object> props = Cfn.properties(stack);
    assertThat(props.get("TemplateURL")).isEqualTo("infra/rds-proxy.yaml");
    assertThat(proxyTemplate.parameters()).containsKeys(
        Cfn.<Map<String, Object>>cast(props.get("Parameters")).keySet().toArray(String[]::new));

    List<String> proxies = proxyTemplate.resourcesOfType("AWS::RDS::DBProxy");
    assertThat(proxies).hasSize(1);
    Map<String, Object> proxy = Cfn.properties(proxyTemplate.resource(proxies.get(0)));
    assertThat(proxy).containsEntry("EngineFamily", "POSTGRESQL").containsEntry("RequireTLS", true);
    List<Map<String, Object>> auth = Cfn.cast(proxy.get("Auth"));
    assertThat(auth).isNotEmpty().allSatisfy(a -> assertThat(a).containsEntry("IAMAuth", "REQUIRED")
        .containsEntry("SecretArn", Map.of("Ref", "DbSecretArn")));
    String role = (String) Cfn.<List<Object>>cast(Cfn.<Map<String, Object>>cast(proxy.get("RoleArn"))
        .get("Fn::GetAtt")).get(0);
    assertThat(Cfn.properties(proxyTemplate.resource(role)).get("AssumeRolePolicyDocument").toString())
        .contains("rds.amazonaws.com");

    List<String> targets = proxyTemplate.resourcesOfType("AWS::RDS::DBProxyTargetGroup");
    assertThat(targets).hasSize(1);
    Map<String, Object> target = Cfn.properties(proxyTemplate.resource(targets.get(0)));
    assertThat(target.get("DBProxyName")).isEqualTo(Map.of("Ref", proxies.get(0)));
    assertThat(target).containsKeys("DBInstanceIdentifiers", "DBClusterIdentifiers");
    assertThat(proxyTemplate.outputs()).containsKeys("ProxyEndpoint", "ProxyResourceId");
  }

  @Test
  void outputsNameTheAliasesTheDeadLetterQueueAndTheProxyInUse() {
    List<Object> values = template.outputs().values().stream()
        .map(o -> Cfn.<Map<String, Object>>cast(o).get("Value")).toList();
    for (Function fn : FUNCTIONS) {
      assertThat(values).contains(Map.of("Ref", fn.id() + "Alias" + ALIAS));
    }
    assertThat(values).contains(Map.of("Ref", "ActivationDeadLetterQueue"),
        Map.of("Fn::GetAtt", List.of("ActivationDeadLetterQueue", "Arn")));
    assertThat(values).anySatisfy(v -> assertProxyChoice(v, "ProxyEndpoint", "ProxyEndpoint"));
    template.outputs().forEach((name, o) -> assertThat(Cfn.<Map<String, Object>>cast(o).get("Description"))
        .as("output %s Description", name).isNotNull());
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  static Stream<Function> handlersAndPoller() {
    return FUNCTIONS.stream();
  }

  static Function function(String id) {
    return FUNCTIONS.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
  }

  static List<Cfn.Statement> statementsWithService(Function fn, String service) {
    return template.statements().stream().filter(s -> s.owner().equals(fn.id()))
        .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith(service + ":"))).toList();
  }

  static Map<String, Object> environment(String functionId) {
    Map<String, Object> env = Cfn.cast(template.functionProperty(functionId, "Environment"));
    return Cfn.cast(env.get("Variables"));
  }

  static Map<String, Object> pollerEnvironment() {
    return environment("PollerFunction");
  }

  /** {@code !If [CreateProxy, !GetAtt RdsProxy.Outputs.<output>, !Ref <parameter>]}. */
  static void assertProxyChoice(Object value, String output, String parameter) {
    List<Object> parts = Cfn.ifParts(value).orElseThrow(() -> new AssertionError(
        "expected !If [CreateProxy, nested output, parameter], got " + value));
    assertThat(parts.get(0)).isEqualTo("CreateProxy");
    assertThat(parts.get(1)).isEqualTo(Map.of("Fn::GetAtt", List.of("RdsProxy", "Outputs." + output)));
    assertThat(parts.get(2)).isEqualTo(Map.of("Ref", parameter));
  }

  /** A literal int, or the bound of the Number parameter it refers to (its Default must respect it). */
  static int numberValue(Object value, String bound) {
    if (value instanceof Integer i) {
      return i;
    }
    String param = Cfn.refTarget(value).orElseThrow(() -> new AssertionError("number or !Ref, got " + value));
    Map<String, Object> p = Cfn.cast(template.parameters().get(param));
    Object limit = p.get(bound);
    assertThat(limit).as("parameter %s needs %s", param, bound).isInstanceOf(Integer.class);
    return (Integer) limit;
  }

  /** Environment variable names the main code reads: literal names passed to Env's readers. */
  static Set<String> settingsReadByMainCode() throws IOException {
    Pattern read = Pattern.compile("env\\.(?:string|integer|optional|required|duration|enumValue|bool)\\(\"([A-Z][A-Z0-9_]*)\"");
    Set<String> names = new TreeSet<>();
    List<Path> sources = new ArrayList<>();
    sources.add(root.resolve("shared/src/main/java"));
    for (Function fn : FUNCTIONS) {
      sources.add(root.resolve("functions").resolve(fn.dir()).resolve("src/main/java"));
    }
    for (Path dir : sources) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = read.matcher(Files.readString(file, StandardCharsets.UTF_8));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    if (names.isEmpty()) {
      fail("found no Env reads in the main code; has Env changed?");
    }
    return names;
  }

  /** Walks a template and reports every Ref, GetAtt, Sub variable, condition and DependsOn that names nothing. */
  static final class ReferenceChecker {
    private final Cfn cfn;
    private final List<String> problems;
    private final Set<String> names = new LinkedHashSet<>();

    ReferenceChecker(Cfn cfn, List<String> problems) {
      this.cfn = cfn;
      this.problems = problems;
      names.addAll(cfn.parameters().keySet());
      names.addAll(cfn.resources().keySet());
      names.addAll(cfn.samGeneratedNames());
    }

    void check() {
      cfn.resources().forEach((id, r) -> {
        Map<String, Object> resource = Cfn.cast(r);
        Object condition = resource.get("Condition");
        if (condition != null && !cfn.conditions().containsKey(String.valueOf(condition))) {
          problems.add(id + ": Condition " + condition + " is not defined");
        }
        for (Object dependency : Cfn.alternatives(resource.get("DependsOn"))) {
          if (!cfn.resources().containsKey(String.valueOf(dependency))) {
            problems.add(id + ": DependsOn " + dependency + " is not a resource");
          }
        }
        walk(resource.get("Properties"), "Resources." + id, Set.of());
      });
      walk(cfn.root.get("Globals"), "Globals", Set.of());
      walk(cfn.root.get("Outputs"), "Outputs", Set.of());
      walk(cfn.root.get("Conditions"), "Conditions", Set.of());
    }

    private void walk(Object node, String where, Set<String> subVariables) {
      if (node instanceof List<?> list) {
        list.forEach(v -> walk(v, where, subVariables));
        return;
      }
      if (!(node instanceof Map<?, ?> map)) {
        return;
      }
      if (Cfn.isIntrinsic(node)) {
        String fn = String.valueOf(map.keySet().iterator().next());
        Object arg = map.get(fn);
        switch (fn) {
          case "Ref" -> {
            String target = String.valueOf(arg);
            if (!names.contains(target) && !Cfn.PSEUDO_PARAMETERS.contains(target)) {
              problems.add(where + ": !Ref " + target);
            }
            return;
          }
          case "Fn::GetAtt" -> {
            List<Object> parts = Cfn.cast(arg);
            checkGetAtt(String.valueOf(parts.get(0)), parts.size() > 1 ? String.valueOf(parts.get(1)) : "", where);
            return;
          }
          case "Fn::Sub" -> {
            String template = Cfn.subTemplate(node).orElse("");
            Map<String, Object> vars = Cfn.subVariables(node);
            for (String name : Cfn.subVariableNames(template)) {
              if (vars.containsKey(name) || Cfn.PSEUDO_PARAMETERS.contains(name) || names.contains(name)) {
                continue;
              }
              int dot = name.indexOf('.');
              if (dot > 0) {
                checkGetAtt(name.substring(0, dot), name.substring(dot + 1), where);
              } else {
                problems.add(where + ": ${" + name + "} in !Sub");
              }
            }
            vars.values().forEach(v -> walk(v, where, subVariables));
            return;
          }
          case "Fn::If" -> {
            List<Object> parts = Cfn.cast(arg);
            if (!cfn.conditions().containsKey(String.valueOf(parts.get(0)))) {
              problems.add(where + ": !If condition " + parts.get(0));
            }
            walk(parts.subList(1, parts.size()), where, subVariables);
            return;
          }
          case "Condition" -> {
            if (!cfn.conditions().containsKey(String.valueOf(arg))) {
              problems.add(where + ": Condition " + arg);
            }
            return;
          }
          default -> {
            walk(arg, where, subVariables);
            return;
          }
        }
      }
      map.forEach((k, v) -> walk(v, where + "." + k, subVariables));
    }

    private void checkGetAtt(String resourceId, String attribute, String where) {
      if (!cfn.resources().containsKey(resourceId) && !names.contains(resourceId)) {
        problems.add(where + ": !GetAtt " + resourceId + "." + attribute);
        return;
      }
      Map<String, Object> resource = Optional.ofNullable(cfn.resources().get(resourceId))
          .map(r -> Cfn.<Map<String, Object>>cast(r)).orElse(Map.of());
      if ("AWS::CloudFormation::Stack".equals(Cfn.type(resource)) && attribute.startsWith("Outputs.")) {
        Path nested = cfn.file.getParent().resolve(String.valueOf(Cfn.properties(resource).get("TemplateURL")));
        if (!Files.isRegularFile(nested)) {
          problems.add(where + ": nested template " + nested + " does not exist");
          return;
        }
        String output = attribute.substring("Outputs.".length());
        if (!Cfn.load(nested).outputs().containsKey(output)) {
          problems.add(where + ": " + nested.getFileName() + " has no output " + output);
        }
      }
    }
  }
}
