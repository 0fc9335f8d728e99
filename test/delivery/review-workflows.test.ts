/**
 * review.yml and review-sweeper.yml, judged by which jobs each event runs (their `if:` conditions evaluated as
 * GitHub does, expressions.ts), not by the conditions' text: the label, the comment, a push and the close each start
 * the right job, forks and outsiders start none, credentials come only from the `review` environment, and a running
 * up is never cancelled. Each rule is also shown failing on a copy broken in one place.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ROOT } from "../harness/stack";
import { buildAccessModel, jobSecrets, parseSecretTable } from "./access";
import { type EventContext, interpolate, type JobOutcomes, jobsThatRun } from "./expressions";
import { checkForkSafety, checkSmokeAfterUp, checkUpConcurrency } from "./gating";
import { environmentName, loadWorkflow, REVIEW_STACKS, stepsIn, type Workflow } from "./workflows";

const REPO = "acme/api";
const review = loadWorkflow("review.yml");
const sweeper = loadWorkflow("review-sweeper.yml");
const copy = (wf: Workflow): any => structuredClone(wf);

interface PullOptions {
    readonly number?: number;
    readonly labels?: readonly string[];
    /** The label an event of action `labeled` adds. */
    readonly label?: string;
    readonly fork?: boolean;
    readonly merged?: boolean;
    readonly actor?: string;
}

function pullRequestEvent(action: string, o: PullOptions = {}): EventContext {
    const number = o.number ?? 7;
    const headRepo = o.fork ? "outsider/api" : REPO;
    return {
        event_name: "pull_request",
        actor: o.actor ?? "alice",
        repository: REPO,
        event: {
            action,
            number,
            ...(o.label === undefined ? {} : { label: { name: o.label } }),
            pull_request: {
                number,
                merged: o.merged ?? false,
                labels: (o.labels ?? []).map((name) => ({ name })),
                head: { sha: "a".repeat(40), repo: { full_name: headRepo } },
                base: { ref: "staging", repo: { full_name: REPO } },
            },
        },
    };
}

interface CommentOptions {
    readonly body?: string;
    readonly association?: string;
    /** Whether the commented issue is a pull request. */
    readonly onPullRequest?: boolean;
    readonly state?: "open" | "closed";
}

function commentEvent(o: CommentOptions = {}): EventContext {
    return {
        event_name: "issue_comment",
        actor: "bob",
        repository: REPO,
        event: {
            action: "created",
            issue: { number: 7, state: o.state ?? "open", ...(o.onPullRequest === false ? {} : { pull_request: { url: `https://api.github.com/repos/${REPO}/pulls/7` } }) },
            comment: { body: o.body ?? "/preview", author_association: o.association ?? "MEMBER", user: { login: "bob" } },
        },
    };
}

/** What the request job answers for pull request 7: from this repository unless `fork`. */
const requestAnswers = (fork = false): JobOutcomes => ({ request: { outputs: { number: "7", "head-sha": "a".repeat(40), "head-repository": fork ? "outsider/api" : REPO } } });

const UP = ["request", "up", "comment"];

describe("review.yml: which event starts which job", () => {
    it("listens to pull requests (labeled, synchronize, reopened, closed) and new comments, never pull_request_target", () => {
        assert.deepEqual([...review.on.pull_request.types].sort(), ["closed", "labeled", "reopened", "synchronize"]);
        assert.deepEqual(review.on.issue_comment.types, ["created"]);
        assert.ok(!("pull_request_target" in review.on));
    });

    it("the label preview brings the stack up and comments its URL", () => {
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("labeled", { labels: ["preview"], label: "preview" }), requestAnswers()), UP);
    });

    it("another label, on a pull request with or without preview, starts nothing", () => {
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("labeled", { labels: ["preview", "bug"], label: "bug" }), requestAnswers()), []);
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("labeled", { labels: ["bug"], label: "bug" }), requestAnswers()), []);
    });

    it("a push to a labeled pull request updates its stack; to an unlabeled one, nothing", () => {
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("synchronize", { labels: ["preview"] }), requestAnswers()), UP);
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("reopened", { labels: ["preview"] }), requestAnswers()), UP);
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("synchronize", { labels: [] }), requestAnswers()), []);
    });

    it("/preview from an owner, member or collaborator brings it up", () => {
        for (const association of ["OWNER", "MEMBER", "COLLABORATOR"]) {
            assert.deepEqual(jobsThatRun(review, commentEvent({ association }), requestAnswers()), UP, association);
        }
    });

    it("/preview from anyone else, on an issue, on a closed pull request, or any other comment starts nothing", () => {
        for (const association of ["CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "NONE", "MANNEQUIN"]) {
            assert.deepEqual(jobsThatRun(review, commentEvent({ association }), requestAnswers()), [], association);
        }
        assert.deepEqual(jobsThatRun(review, commentEvent({ onPullRequest: false }), requestAnswers()), []);
        assert.deepEqual(jobsThatRun(review, commentEvent({ state: "closed" }), requestAnswers()), []);
        assert.deepEqual(jobsThatRun(review, commentEvent({ body: "looks good, maybe /preview later" }), requestAnswers()), []);
    });

    it("the comment path also requires write access, read from the API, not only the association", () => {
        const script = review.jobs.request.steps!.find((s) => s.id === "pull")!.run!;
        assert.match(script, /gh api "repos\/\$GITHUB_REPOSITORY\/collaborators\/\$COMMENTER\/permission" --jq \.permission/);
        assert.match(script, /admin\|maintain\|write\) ;;\s*\*\) echo "::error::[^"]*"[^\n]*; exit 1 ;;/);
        assert.equal(review.jobs.request.steps!.find((s) => s.id === "pull")!.env?.COMMENTER, "${{ github.event.comment.user.login }}");
    });

    it("closing a pull request destroys its stack, merged or not, and brings nothing up", () => {
        for (const merged of [true, false]) {
            assert.deepEqual(jobsThatRun(review, pullRequestEvent("closed", { labels: ["preview"], merged }), requestAnswers()), ["destroy"], `merged: ${merged}`);
            assert.deepEqual(jobsThatRun(review, pullRequestEvent("closed", { labels: [], merged }), requestAnswers()), ["destroy"], "a /preview stack has no label");
        }
    });

    it("a failed up still updates the comment (with the failure)", () => {
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("labeled", { labels: ["preview"], label: "preview" }), { ...requestAnswers(), up: { result: "failure" } }), UP);
    });
});

describe("review.yml: no fork, no bot", () => {
    it("a fork's pull request starts no job on any event", () => {
        for (const action of ["labeled", "synchronize", "reopened", "closed"]) {
            assert.deepEqual(jobsThatRun(review, pullRequestEvent(action, { labels: ["preview"], label: "preview", fork: true }), requestAnswers(true)), [], action);
        }
    });

    it("/preview on a fork's pull request reads its head repository and stops before any credential", () => {
        const ran = jobsThatRun(review, commentEvent({ association: "OWNER" }), requestAnswers(true));
        assert.deepEqual(ran, ["request"]);
        assert.equal(environmentName(review.jobs.request), undefined);
        assert.deepEqual(jobSecrets(review, review.jobs.request), new Set());
        const script = review.jobs.request.steps!.find((s) => s.id === "pull")!.run!;
        assert.match(script, /head-repository=\\\(\.head\.repo\.full_name \/\/ ""\)/, "the output is the API's head repository");
        assert.match(script, /grep '\^head-repository=' pull\.txt\n\s*\} >> "\$GITHUB_OUTPUT"/, "and it becomes the job's output");
    });

    it("Dependabot's pull requests start nothing (they get Dependabot's secrets, not these)", () => {
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("labeled", { labels: ["preview"], label: "preview", actor: "dependabot[bot]" }), requestAnswers()), []);
        assert.deepEqual(jobsThatRun(review, pullRequestEvent("closed", { actor: "dependabot[bot]" }), requestAnswers()), []);
    });

    it("control: without the head-repository check, a fork's /preview would reach the credentials", () => {
        const wf = copy(review);
        delete wf.jobs.up.if;
        assert.deepEqual(jobsThatRun(wf, commentEvent({ association: "OWNER" }), requestAnswers(true)), UP);
        const noSameRepo = copy(review);
        noSameRepo.jobs.request.if = noSameRepo.jobs.request.if.replace("github.event.pull_request.head.repo.full_name == github.repository", "true");
        noSameRepo.jobs.destroy.if = noSameRepo.jobs.destroy.if.replace("github.event.pull_request.head.repo.full_name == github.repository", "true");
        assert.deepEqual(jobsThatRun(noSameRepo, pullRequestEvent("closed", { fork: true }), requestAnswers(true)), ["destroy"]);
        assert.deepEqual(jobsThatRun(noSameRepo, pullRequestEvent("labeled", { labels: ["preview"], label: "preview", fork: true }), requestAnswers(false)), UP);
    });

    it("control: without the association check, anyone's /preview would start it", () => {
        const wf = copy(review);
        wf.jobs.request.if = wf.jobs.request.if.replace(/&& contains\(fromJSON\([^)]*\), github\.event\.comment\.author_association\)/, "");
        assert.deepEqual(jobsThatRun(wf, commentEvent({ association: "NONE" }), requestAnswers()), UP);
    });
});

describe("review.yml and review-sweeper.yml: credentials", () => {
    const model = buildAccessModel(parseSecretTable(readFileSync(join(ROOT, "docs", "delivery.md"), "utf8")));
    const reviewEnvironment = model.environments.find((e) => e.name === "review");

    it("the review environment is staging-scoped: review stacks' own, no production secret name's holder, no production stack", () => {
        assert.ok(reviewEnvironment, "docs/delivery.md lists the review environment");
        assert.equal(reviewEnvironment.stack, "pr-<n>");
        assert.equal(reviewEnvironment.production, false);
        assert.equal(reviewEnvironment.kind, "deploy");
        assert.doesNotMatch(reviewEnvironment.name, /^production/);
        assert.ok(!reviewEnvironment.secrets.includes("GH_PROVIDER_TOKEN"), "review stacks manage no GitHub environment, so they get no GitHub token");
    });

    /** Every job that reads a secret runs in `review`, which holds it; no job names another environment. */
    const credentialProblems = (wf: Workflow): string[] =>
        Object.entries(wf.jobs).flatMap(([id, job]) => {
            const env = environmentName(job);
            const secrets = [...jobSecrets(wf, job)];
            const problems: string[] = [];
            if (env !== undefined && env !== "review") problems.push(`${wf.file} job ${id} runs in environment ${env}`);
            if (secrets.length > 0 && env !== "review") problems.push(`${wf.file} job ${id} reads ${secrets.join(", ")} outside the review environment`);
            for (const name of secrets) if (!reviewEnvironment!.secrets.includes(name)) problems.push(`${wf.file} job ${id}: review does not hold ${name}`);
            return problems;
        });

    it("only jobs in the review environment read secrets; no job names another environment", () => {
        assert.deepEqual(credentialProblems(review), []);
        assert.deepEqual(credentialProblems(sweeper), []);
        assert.ok(jobSecrets(review, review.jobs.up).has("FLY_API_TOKEN"), "the check has something to judge");
    });

    it("control: an up in production, a secret in the request job, a token review does not hold are reported", () => {
        const wf = copy(review);
        wf.jobs.up.environment = { name: "production" };
        wf.jobs.request.env = { LEAK: "${{ secrets.FLY_API_TOKEN }}" };
        wf.jobs.destroy.env.GITHUB_TOKEN = "${{ secrets.GH_PROVIDER_TOKEN }}";
        const text = credentialProblems(wf).join("\n");
        assert.match(text, /job up runs in environment production/);
        assert.match(text, /job request reads FLY_API_TOKEN outside the review environment/);
        assert.match(text, /job destroy: review does not hold GH_PROVIDER_TOKEN/);
    });

    it("the jobs with credentials get a token that can only read the code; the comment job holds no credential", () => {
        for (const [wf, id] of [[review, "up"], [review, "destroy"]] as const) assert.deepEqual(wf.jobs[id].permissions, { contents: "read" }, id);
        assert.deepEqual(sweeper.jobs.sweep.permissions, { contents: "read", "pull-requests": "read" });
        assert.deepEqual(review.jobs.request.permissions, { "pull-requests": "read" });
        assert.deepEqual(review.jobs.comment.permissions, { contents: "read", "pull-requests": "write" });
        assert.deepEqual(jobSecrets(review, review.jobs.comment), new Set());
    });

    it("the up deploys the commit the maintainer's act named; the destroy runs the target branch's reviewed code", () => {
        const checkout = (id: string) => review.jobs[id].steps!.find((s) => s.uses?.startsWith("actions/checkout@"))!;
        assert.equal(checkout("up").with?.ref, "${{ needs.request.outputs.head-sha }}");
        assert.equal(checkout("destroy").with?.ref, "${{ github.event.pull_request.base.ref }}");
        for (const id of ["up", "destroy", "comment"]) assert.equal(checkout(id).with?.["persist-credentials"], false, id);
        const pull = review.jobs.request.steps!.find((s) => s.id === "pull")!;
        assert.equal(pull.env?.EVENT_HEAD_SHA, "${{ github.event.pull_request.head.sha }}");
        assert.match(pull.run!, /head_sha="\$EVENT_HEAD_SHA"/, "a push's run deploys that push, not a later one");
    });
});

describe("review.yml: one operation per stack, a running up never cancelled", () => {
    const groupFor = (wf: Workflow, id: string, github: EventContext, outcomes: JobOutcomes) => {
        const c = wf.jobs[id].concurrency as { group: string; "cancel-in-progress"?: boolean };
        const needs = { request: { result: "success", outputs: outcomes.request?.outputs ?? {} } };
        return { group: interpolate(c.group, { contexts: { github, needs } }), cancel: c["cancel-in-progress"] };
    };

    it("the up of a labeled push, of a /preview and the destroy on close of pull request 7 share one group, none cancels", () => {
        const up = groupFor(review, "up", pullRequestEvent("synchronize", { labels: ["preview"] }), requestAnswers());
        const viaComment = groupFor(review, "up", commentEvent(), requestAnswers());
        const destroy = groupFor(review, "destroy", pullRequestEvent("closed"), requestAnswers());
        assert.equal(up.group, "review-pr-7");
        assert.equal(viaComment.group, "review-pr-7");
        assert.equal(destroy.group, "review-pr-7");
        for (const g of [up, viaComment, destroy]) assert.equal(g.cancel, false);
        assert.equal(review.concurrency, undefined, "no workflow-level group that could cancel a running up");
    });

    it("pull requests 7 and 8 never wait for each other", () => {
        const other = { request: { outputs: { ...requestAnswers().request.outputs!, number: "8" } } };
        assert.notEqual(groupFor(review, "up", pullRequestEvent("synchronize", { number: 8, labels: ["preview"] }), other).group, "review-pr-7");
    });

    it("the up runs the stack commands on pr-<n>, so the preflight, the policy gate and --config-file apply", () => {
        assert.equal(review.jobs.up.env?.STACK, "pr-${{ needs.request.outputs.number }}");
        const runs = stepsIn(review).filter((s) => s.jobId === "up").map((s) => s.step.run ?? "");
        assert.ok(runs.some((r) => /^npm run up -- "\$STACK" /.test(r)), runs.join("\n"));
        assert.ok(runs.some((r) => /npx pulumi stack output url --stack "\$STACK"/.test(r)));
    });
});

describe("review.yml: the sticky comment", () => {
    it("is rendered for the review stack and posted as its sticky comment, with the up's result and URL", () => {
        const step = review.jobs.comment.steps!.at(-1)!;
        assert.match(step.run!, /npx tsx delivery\/review\/comment\.ts --pr "\$PR_NUMBER" --sha "\$HEAD_SHA" --result "\$UP_RESULT" --url "\$REVIEW_URL" --run-url "\$RUN_URL" > comment-review\.md\n/);
        assert.match(step.run!, /npx tsx scripts\/comment\.ts --stack "pr-\$PR_NUMBER" --pr "\$PR_NUMBER" --body comment-review\.md/);
        assert.deepEqual(
            { ...step.env, RUN_URL: undefined },
            { COMMENT_TOKEN: "${{ github.token }}", PR_NUMBER: "${{ needs.request.outputs.number }}", HEAD_SHA: "${{ needs.request.outputs.head-sha }}", UP_RESULT: "${{ needs.up.result }}", REVIEW_URL: "${{ needs.up.outputs.url }}", RUN_URL: undefined },
        );
        assert.equal(review.jobs.up.outputs?.url, "${{ steps.url.outputs.url }}");
    });
});

describe("the shared workflow checks judge review.yml too", () => {
    const environments = { [REVIEW_STACKS]: "review" };

    it("its up is seen as an up of the review stacks, in their environment, never cancelled", () => {
        assert.deepEqual(checkUpConcurrency(review, environments), []);
        const wf = copy(review);
        wf.jobs.up.concurrency["cancel-in-progress"] = true;
        wf.jobs.up.environment = { name: "staging" };
        const text = checkUpConcurrency(wf, environments).join("\n");
        assert.match(text, /job "up": concurrency must never cancel a running up/);
        assert.match(text, /job "up": deploys "pr-\$\{\{ needs\.request\.outputs\.number \}\}" outside its GitHub environment "review"/);
    });

    it("its up is smoke-tested on the health URL, so a broken review environment fails the run and its comment", () => {
        const stack = "pr-${{ needs.request.outputs.number }}";
        assert.deepEqual(checkSmokeAfterUp(review, stack), []);
        const wf = copy(review);
        wf.jobs.up.steps = wf.jobs.up.steps.filter((s: any) => s.name !== "Smoke test the health URL");
        assert.match(checkSmokeAfterUp(wf, stack).join("\n"), /job "up": no smoke test of the healthUrl output/);
    });

    it("a job with credentials and no same-repository condition is reported", () => {
        assert.deepEqual(checkForkSafety(review), []);
        const wf = copy(review);
        delete wf.jobs.up.if;
        wf.jobs.destroy.if = "github.event.action == 'closed'";
        const text = checkForkSafety(wf).join("\n");
        assert.match(text, /job "up": uses secrets on pull_request without if/);
        assert.match(text, /job "destroy": uses secrets on pull_request without if/);
    });
});

describe("review-sweeper.yml", () => {
    it("runs every day (and by hand), in the review environment, one sweep at a time", () => {
        assert.ok(Array.isArray(sweeper.on.schedule) && /^\d+ \d+ \* \* \*$/.test(sweeper.on.schedule[0].cron), JSON.stringify(sweeper.on.schedule));
        assert.ok("workflow_dispatch" in sweeper.on);
        const schedule: EventContext = { event_name: "schedule", event: { schedule: sweeper.on.schedule[0].cron }, actor: "github-actions[bot]", repository: REPO };
        assert.deepEqual(jobsThatRun(sweeper, schedule), ["sweep"]);
        assert.equal(environmentName(sweeper.jobs.sweep), "review");
        assert.deepEqual(sweeper.jobs.sweep.concurrency, { group: "review-sweeper", "cancel-in-progress": false });
    });

    it("runs the sweeper entry with the workflow's token for the pull requests", () => {
        const step = sweeper.jobs.sweep.steps!.find((s) => /npm run review:sweep/.test(s.run ?? ""))!;
        assert.equal(step.run, "npm run review:sweep");
        assert.equal(step.env?.PULLS_TOKEN, "${{ github.token }}");
        const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        assert.equal(scripts["review:sweep"], "node --import tsx delivery/review/sweeper.ts");
        assert.equal(review.jobs.destroy.steps!.at(-1)!.run, 'npm run review:sweep -- --pull-request "$PR_NUMBER"');
    });
});
