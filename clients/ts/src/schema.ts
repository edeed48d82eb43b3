/**
 * relabel's API types, generated from its OpenAPI document by openapi-typescript.
 * Do not edit: run `npm run openapi:types` (test/e2e/ts-client-types.e2e.spec.ts fails when this file drifts).
 */

export interface paths {
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record one behaviour event or a batch of up to 10,000; labels follow from the model's rules */
        post: operations["EventsController_ingest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An export: status, progress (0..1) and, once done, its manifest */
        get: operations["ExportsController_get"];
        put?: never;
        post?: never;
        /**
         * Remove a finished export: its row and manifest, its file and manifest file
         * @description Exports also go by themselves RETENTION_EXPORTS after they finished. A queued or running export cannot be removed (409).
         */
        delete: operations["ExportsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/exports/{id}/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The export's file, streamed; 409 until it is done */
        get: operations["ExportsController_download"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/labeling-batches/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A batch with progress and agreement (Cohen's kappa for two labelers, Fleiss' for more) */
        get: operations["LabelingController_batch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/labeling/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Label ({label}) or skip ({skip: true}) a task you hold */
        post: operations["LabelingController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/labeling/tasks/{id}/undo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Undo your last done or skipped task of its batch: the label is withdrawn and the task leased to you again */
        post: operations["LabelingController_undo"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/labels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Label a prediction by hand; the labeler is the token's owner. A second call replaces the first. */
        post: operations["LabelsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All models */
        get: operations["ModelsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One model, with every settings section and its defaults */
        get: operations["ModelsController_get"];
        /** Create (201) or replace (200) a model definition */
        put: operations["ModelsController_upsert"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The model's slice alerts: firing first, then the most recently started
         * @description A slice fires when, with at least alerts.minSupport labels over the last alerts.baselineWindow, its 95% interval lies wholly below alerts.minAccuracy or below the rest of the model, or it fell by more than alerts.maxDrop against the window before with the fall's interval clear of zero. It resolves when that no longer holds. Drift alerts (kind drift) come from the monitoring job: a feature of a slice that drifted from the model's default baseline.
         */
        get: operations["AlertsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/baselines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The model's baselines */
        get: operations["MonitoringController_list"];
        put?: never;
        /**
         * Creates (or replaces) a baseline: from a window of the log, from training rows sent in batches, or from a CSV or Parquet file
         * @description A window baseline merges the stored profiles of [from, to); rows are profiled like the log. The first baseline of a model becomes its default. A file (text/csv, or application/vnd.apache.parquet or application/octet-stream for Parquet) holds one training row a line, a column a feature, up to 100,000 rows and 500 columns; its name, version and default go in the query.
         */
        post: operations["MonitoringController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/drift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Drift of each feature per slice, and of the predictions per version, against a baseline
         * @description Evidently defaults: numeric with over 1,000 baseline values and more than 5 distinct, Wasserstein / baseline std (0.1); categorical or few-valued over 1,000, Jensen-Shannon distance (0.1); smaller, KS or chi-squared at p 0.05 after a Benjamini-Hochberg correction across every tested cell. Cells with fewer than 30 rows get no verdict.
         */
        get: operations["MonitoringController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/estimated-performance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Label-free accuracy (CBPE) per slice, beside realized accuracy
         * @description Expected accuracy from the predicted class scores, isotonically calibrated per class on labeled predictions (audit labels preferred) where that lowers the calibration error; 95% interval; not estimable below 30 predictions.
         */
        get: operations["MonitoringController_estimate"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The model's exports, newest first */
        get: operations["ExportsController_list"];
        put?: never;
        /**
         * Request a retraining export
         * @description Runs the feedback-loop report over the window first. A warn finding needs acknowledgeWarnings: true and a block finding needs acknowledgeBlocking: true (a stronger, separate yes); otherwise the answer is 409 with the report in details.report and nothing is exported. Accepted exports are written by a queue job; poll GET /api/v1/exports/:id.
         */
        post: operations["ExportsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/feedback-report": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Feedback-loop checks: how far the model's own exposure decisions shaped its labels
         * @description Exploration share, model-driven label share, self-agreement gap, selection coverage, implicit-label echo, class prior shift against the previous export, exposure concentration and missing propensities, each with value, threshold (per-model feedback settings), severity, explanation and recommended action.
         */
        get: operations["FeedbackController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/label-quality": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Each behaviour label source against the human labels on the same predictions
         * @description Agreement with a 95% Wilson interval, a confusion table and per-class figures, for all human labels and for audit labels alone, overall and per slice. Read from maintained tallies.
         */
        get: operations["QualityController_labelQuality"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/labeling-batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The model's batches, newest first, with progress per batch and per class quota */
        get: operations["LabelingController_listBatches"];
        put?: never;
        /** Select an active-learning batch: per-class quotas of the most uncertain predictions, plus a random audit sample */
        post: operations["LabelingController_createBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/labeling-functions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The model's labeling functions with their figures, and the label model
         * @description Figures come from the last label-model fit: coverage, overlap and conflict as shares of all predictions (as Snorkel's LFAnalysis), polarity, accuracy against human labels with a 95% Wilson interval (audit-only apart, and per voted class), and the accuracy the label model estimates without labels.
         */
        get: operations["WeakController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/labeling-functions/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One labeling function with its figures */
        get: operations["WeakController_get"];
        /**
         * Create or replace a labeling function
         * @description kinds: keyword {feature, keywords}, regex {feature, pattern}, range {feature, min?, max?}, category {feature, values}, score {class, min}, external (votes arrive by POST lf-votes). A new or changed declarative function is run over the history by a job (applyRun).
         */
        put: operations["WeakController_put"];
        post?: never;
        /** Delete a labeling function and its votes; the next fit drops what only it labelled */
        delete: operations["WeakController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/labeling/next": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lease the next task for the model's leaseTtl: the caller's current lease if any, else the next free task */
        get: operations["LabelingController_next"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/labeling/undo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Undo your most recent done or skipped task of the model (or of ?batch=) */
        post: operations["LabelingController_undoLast"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/lf-votes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Votes of an external labeling function
         * @description Up to 10,000 a batch, all stored or none; idempotent per (function, prediction): a re-sent vote is unchanged, a different label replaces the earlier one. Votes for predictions the model does not have are counted in `unknown` and not stored.
         */
        post: operations["WeakController_ingest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/predictions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A prediction with its events, labels and effective label */
        get: operations["PredictionsController_findOne"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/slices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Accuracy per slice with 95% Wilson intervals, per-class metrics, difference from overall and flags
         * @description Read from incremental rollups; windows are on prediction time in whole hours. accuracy is of the labels as they are; estimated is corrected with audit labels (null without them, with estimatedReason), biased when they disagree significantly, audit.needed the audit labels to reach targetHalfWidth.
         */
        get: operations["SlicesController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/slices/{key}/{value}/series": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accuracy of one slice value by hour or day (key and value * for the whole model) */
        get: operations["SlicesController_series"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/weak-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run the functions over all history (apply) or refit the label model (fit), as a job */
        post: operations["WeakController_start"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/models/{model}/weak-runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run: status, progress (0..1) and its result */
        get: operations["WeakController_run"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/predictions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log one prediction or a batch of up to 10,000, atomically and idempotently */
        post: operations["PredictionsController_ingest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API tokens (never their secrets) */
        get: operations["TokensController_list"];
        put?: never;
        /** Create an API token; its secret is in this response only */
        post: operations["TokensController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API token; its sessions end too. Revoking the token in use is allowed. */
        delete: operations["TokensController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AccuracyDto: {
            /** @description correct / n; null when n is 0 */
            accuracy: number | null;
            /**
             * @description 95% Wilson interval [lo, hi]; null when n is 0
             * @example [
             *       0.81,
             *       0.9
             *     ]
             */
            ci: number[] | null;
            /** @description of them, predicted correctly */
            correct: number;
            /** @description labeled predictions */
            n: number;
        };
        ActionDto: {
            /**
             * @example {
             *       "size": 100,
             *       "strategy": "least_confidence",
             *       "quotas": "balanced",
             *       "filters": {
             *         "slices": {
             *           "weather": "rain"
             *         }
             *       }
             *     }
             */
            body: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            method: "POST";
            /** @example /api/v1/models/shop-recommender/labeling-batches */
            path: string;
        };
        AgreementFiguresDto: {
            agreement: number | null;
            /** @description 95% Wilson interval [lo, hi] */
            ci: number[] | null;
            /** @description source label -> human label -> count */
            confusion: {
                [key: string]: {
                    [key: string]: number;
                };
            };
            /** @description predictions with both this source label and a human label */
            n: number;
            /** @description source label -> agreement; "not measured" without human labels */
            perClass: {
                [key: string]: components["schemas"]["ClassAgreementDto"];
            };
        };
        AlertDtoDoc: {
            /** @description reason, window, slice / overall / rest / baseline accuracy with intervals, sources, confused pair, drop, thresholds */
            details: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            endedAt: string | null;
            /** @description The drifted feature of a drift alert */
            feature: string | null;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            kind: "accuracy" | "drift";
            /** @description the slice, its accuracy and interval against the overall, the labels behind it, the most confused pair, the next step */
            message: string;
            model: string;
            /** @enum {string} */
            reason: "below_min_accuracy" | "below_rest" | "drop" | "drift" | "schema";
            recommendation: components["schemas"]["AlertRecommendationDto"];
            /** @description for a resolved alert: the numbers that cleared it */
            resolution: string | null;
            slice: components["schemas"]["SliceRefDto"];
            /** Format: date-time */
            startedAt: string;
            /** @enum {string} */
            state: "firing" | "resolved";
            /**
             * Format: date-time
             * @description the last evaluation that changed it
             */
            updatedAt: string;
        };
        AlertListDto: {
            /** @description firing first, then the most recently started */
            alerts: components["schemas"]["AlertDtoDoc"][];
        };
        AlertRecommendationDto: {
            /** @description the API call that does it (admin) */
            action: components["schemas"]["ActionDto"];
            /**
             * @description the slices page, with a button that does it
             * @example /models/shop-recommender/slices
             */
            page: string;
            /** @example queue 100 examples of weather=rain for labeling */
            text: string;
        };
        AlertSettingsDto: {
            /** @example 7d */
            baselineWindow?: string;
            /** @description fire when a slice dropped more than this against the baseline window */
            maxDrop?: number | null;
            /** @description fire when a slice is surely below this accuracy */
            minAccuracy?: number | null;
            /** @description flag a slice below the rest of the model only when its whole interval is at least this far below (default 0.05) */
            minGap?: number;
            minSupport?: number;
        };
        ApiErrorDetailDto: {
            /**
             * @description the field, dotted for nested ones
             * @example scores
             */
            field: string;
            /**
             * @description row index in a batch, when the error belongs to one row
             * @example 3
             */
            index?: number;
            /** @example must sum to 1 */
            message: string;
        };
        ApiErrorDto: {
            /** @description each bad field (and row index in batches); some errors carry an object instead (409 unacknowledged_findings: the report) */
            details?: components["schemas"]["ApiErrorDetailDto"][] | {
                [key: string]: unknown;
            };
            /**
             * @description how many details were left out (at most 100 are listed)
             * @example 12
             */
            detailsOmitted?: number;
            /**
             * @description the HTTP reason phrase
             * @example Bad Request
             */
            error: string;
            /**
             * @description stable and machine-readable, e.g. model_not_found
             * @example model_not_found
             */
            message: string;
            /**
             * @description the request id of a 5xx, as logged
             * @example 7f0c7c56-0a35-4d61-8a38-1b0c1e1f9d1a
             */
            requestId?: string;
            /** @example 400 */
            statusCode: number;
        };
        AuditOutcomeDto: {
            asked: number;
            /** @description how it was drawn (uniform or by slice), for estimates that weight strata */
            design?: {
                [key: string]: unknown;
            };
            filled: number;
            /** @description the audit fraction asked for */
            fraction: number;
            /** @description done, skipped, leased, ... of the audit sample */
            progress: {
                [key: string]: unknown;
            };
            /** @enum {string|null} */
            reason: "too_few_candidates" | null;
            shortBy: number;
        };
        AuditPlanDto: {
            /** @description more audit labels that would bring the half-width to the target */
            needed: number;
            targetHalfWidth: number;
        };
        BaselineDto: {
            /** Format: date-time */
            createdAt: string | null;
            /** @description whether drift is measured against it by default */
            default: boolean;
            /** Format: date-time */
            from: string | null;
            name: string;
            /** @description rows profiled */
            rows: number;
            /**
             * @description window: the log; rows: sent rows or an uploaded file
             * @enum {string}
             */
            source: "window" | "rows";
            /** Format: date-time */
            to: string | null;
            /** Format: date-time */
            updatedAt: string | null;
            version: string | null;
        };
        BaselineListDto: {
            baselines: components["schemas"]["BaselineDto"][];
        };
        BaselineRequestDto: {
            /** @description add the rows to the baseline of this name instead of replacing it */
            append?: boolean;
            /** @description make it the model's default baseline (the first one always is) */
            default?: boolean;
            /** @description ISO 8601: a baseline from the log window [from, to), merged from its profiles */
            from?: string;
            /**
             * @description letters, digits, . _ -
             * @example training-2026-11
             */
            name: string;
            /** @description training rows: feature objects, or {features, slices?, prediction?, scores?}; up to 10000 a request */
            rows?: {
                [key: string]: unknown;
            }[];
            /** @description ISO 8601; default now */
            to?: string;
            /** @description one model version of the window */
            version?: string;
        };
        BatchDetailDto: {
            /** @description labeler agreement: Cohen's kappa for two labelers, Fleiss' for more */
            agreement: {
                [key: string]: unknown;
            };
            audit: components["schemas"]["AuditOutcomeDto"];
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** @description tasks selected */
            filled: number;
            filters: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            id: string;
            includeDirect: boolean;
            labelsPerItem: number;
            model: string;
            /** @description items, done, skipped, leased, ... over the whole batch */
            progress: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            quotaMode: "balanced" | "proportional" | "shares";
            /** @description per class */
            quotas: {
                [key: string]: components["schemas"]["QuotaOutcomeDto"];
            };
            /** @description the seed of the random picks */
            seed: number;
            size: number;
            /** @enum {string} */
            status: "open" | "complete";
            /** @enum {string} */
            strategy: "least_confidence" | "margin" | "entropy" | "random";
        };
        BatchDto: {
            audit: components["schemas"]["AuditOutcomeDto"];
            /** Format: date-time */
            createdAt: string;
            createdBy: string;
            /** @description tasks selected */
            filled: number;
            filters: {
                [key: string]: unknown;
            };
            /** Format: uuid */
            id: string;
            includeDirect: boolean;
            labelsPerItem: number;
            model: string;
            /** @description items, done, skipped, leased, ... over the whole batch */
            progress: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            quotaMode: "balanced" | "proportional" | "shares";
            /** @description per class */
            quotas: {
                [key: string]: components["schemas"]["QuotaOutcomeDto"];
            };
            /** @description the seed of the random picks */
            seed: number;
            size: number;
            /** @enum {string} */
            status: "open" | "complete";
            /** @enum {string} */
            strategy: "least_confidence" | "margin" | "entropy" | "random";
        };
        BatchFiltersDto: {
            /**
             * Format: date-time
             * @description predictions at or after this time
             */
            from?: string;
            modelVersion?: string;
            /** @description slice key -> value */
            slices?: {
                [key: string]: string;
            };
            /**
             * Format: date-time
             * @description predictions before this time
             */
            to?: string;
        };
        ClassAgreementDto: {
            /** @description share of them where the human said this class too */
            agreement: number | null;
            /** @description 95% Wilson interval */
            ci: number[] | null;
            /** @description human labels where the source said this class */
            n: number;
            /** @enum {string} */
            status: "measured" | "not measured";
        };
        ClassMetricsDto: {
            f1: number | null;
            /** @description null when the class was never predicted */
            precision: number | null;
            /** @description null when the class never occurred */
            recall: number | null;
            /** @description labeled predictions of this class */
            support: number;
        };
        CreateBatchDto: {
            /**
             * @description how the audit sample is drawn from every prediction in the window without an audit label: uniformly, or stratified over auditSliceKey (equal allocation over its values, capped by what each has; the design is kept on the batch)
             * @default uniform
             * @enum {string}
             */
            audit?: "uniform" | "by_slice";
            /** @description default: the model's labeling.auditFraction */
            auditFraction?: number;
            /** @description required with audit: by_slice; one of the model's sliceKeys */
            auditSliceKey?: string;
            /** @description restricts the audit to this value of auditSliceKey */
            auditSliceValue?: string;
            filters?: components["schemas"]["BatchFiltersDto"];
            /**
             * @description also select predictions with a final direct label
             * @default false
             */
            includeDirect?: boolean;
            /** @description default: the model's labeling.labelsPerItem */
            labelsPerItem?: number;
            /**
             * @description split of the non-audit part over predicted classes; given shares are normalised
             * @default balanced
             */
            quotas?: ("balanced" | "proportional") | {
                [key: string]: number;
            };
            /** @description seeds the random parts, for a reproducible selection */
            seed?: number;
            /** @description items in the batch, audit sample included */
            size: number;
            /**
             * @default least_confidence
             * @enum {string}
             */
            strategy?: "least_confidence" | "margin" | "entropy" | "random";
        };
        CreatedTokenDto: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            name: string;
            prefix: string;
            /** @enum {string} */
            role: "ingest" | "labeler" | "admin";
            /** @description The secret, sent as `Authorization: Bearer <token>`. Shown only in this response. */
            token: string;
        };
        CreateExportDto: {
            /**
             * @description Accepts the report's block findings: separate from acknowledgeWarnings and never implied by it
             * @default false
             */
            acknowledgeBlocking?: boolean;
            /**
             * @description Accepts the report's warn findings
             * @default false
             */
            acknowledgeWarnings?: boolean;
            /** @enum {string} */
            format: "csv" | "jsonl" | "parquet";
            /** @description ISO 8601; prediction time from (inclusive) */
            from?: string;
            /** @description Effective label sources to include; all when empty */
            labelSources?: ("manual" | "audit" | "direct" | "weak" | "implicit")[];
            /**
             * @description default: the feedback report's recommendation.mitigation (the manifest's mitigation says which and why). ips_weights: weight 1/propensity clipped at exports.maxIpsWeight, normalised to mean 1; explore_only: only explore exposures; downsample_model_driven: keep as many direct/implicit labels on model exposures as other labels; class_balance: equal total weight per class; label_quality: each behaviour label weighted by the probability it is right (agreement with human labels per source and class), flipped or dropped where humans show it mostly wrong, human labels weight 1, classes balanced
             * @enum {string}
             */
            mitigation?: "none" | "ips_weights" | "explore_only" | "downsample_model_driven" | "class_balance" | "label_quality";
            split?: components["schemas"]["ExportSplitDto"];
            /** @description ISO 8601; prediction time to (exclusive) */
            to?: string;
            /** @description Model versions to include; all when empty. The report is run for the version when exactly one is given, else over all */
            versions?: string[];
        };
        CreateTokenDto: {
            /**
             * @description Who or what uses the token
             * @example alice
             */
            name: string;
            /**
             * @example labeler
             * @enum {string}
             */
            role: "ingest" | "labeler" | "admin";
        };
        DriftReportDto: {
            /** @description the baseline compared against */
            baseline: {
                [key: string]: unknown;
            };
            /** @description per feature, overall and per slice */
            features: {
                [key: string]: unknown;
            }[];
            model: string;
            /** @description drift of the predicted classes, per model version */
            predictions: {
                [key: string]: unknown;
            };
            /** @description the model version asked for; null for all */
            version: string | null;
            /** @description the window of the log: from, to, version */
            window: {
                [key: string]: unknown;
            };
        };
        EffectiveLabelDto: {
            label: string;
            /** @description manual, audit, direct, weak or implicit */
            source: string | null;
        };
        EstimatedDto: {
            /** @description corrected accuracy over every prediction of the slice in the window, labeled or not */
            accuracy: number;
            /** @description 95% interval [lo, hi] */
            ci: number[];
            /**
             * @description prediction-powered (behaviour labels rectified by the audit) or the audit alone
             * @enum {string}
             */
            method: "ppi++" | "ppi" | "audit_only";
            /** @description predictions in the population (the slice in the window) */
            n: number;
            /** @description audit labels among them */
            nAudit: number;
            /** @description why this method */
            note: string;
        };
        EstimatedPerformanceDto: {
            /** @description per class: n, source, eceBefore, eceAfter, kept (isotonic kept where it lowered the error), fittedAt */
            calibration: {
                [key: string]: unknown;
            }[];
            model: string;
            /** @description estimatedAccuracy, ci, realizedAccuracy, calibrated */
            overall: {
                [key: string]: unknown;
            };
            /** @description the same per slice value */
            slices: {
                [key: string]: unknown;
            }[];
            /** @description the window of the log: from, to, version */
            window: {
                [key: string]: unknown;
            };
        };
        EventBatchDto: {
            events: components["schemas"]["EventInputDto"][];
        };
        EventIngestResultDto: {
            accepted: number;
            /** @description identical re-sends */
            duplicates: number;
            /** @description accepted events whose prediction is stored */
            joined: number;
            /** @description accepted events waiting for their prediction */
            pending: number;
        };
        EventInputDto: {
            /** @description flat */
            attributes?: {
                [key: string]: unknown;
            };
            /** @description unique per model; re-sends are duplicates */
            id: string;
            model: string;
            /** @description the id of the prediction this event follows (it may arrive later) */
            predictionId: string;
            /**
             * Format: date-time
             * @description default now; at most 5 minutes in the future
             */
            timestamp?: string;
            /**
             * @description the event type the label rules refer to
             * @example click
             */
            type: string;
            /** @description a number rules can test, such as dwell seconds */
            value?: number;
        };
        ExportCreatedDto: {
            id: string;
        };
        ExportDto: {
            /** @description which findings of the feedback report were acknowledged, and by whom; null when there were none */
            acknowledgement: {
                [key: string]: unknown;
            } | null;
            /** Format: date-time */
            createdAt: string;
            /** @description why the export failed */
            error: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            /** @enum {string} */
            format: "csv" | "jsonl" | "parquet";
            id: string;
            /** @description Set when the export is done: parameters, report, acknowledgement, counts, sha256, columns */
            manifest?: {
                [key: string]: unknown;
            } | null;
            model: string;
            /** @description the request as it was resolved: window, versions, labelSources, split, mitigation (and who chose it) */
            parameters: {
                [key: string]: unknown;
            };
            /** @description 0..1 */
            progress: number;
            /** @description the requesting token's name */
            requestedBy: string;
            /** @enum {string} */
            status: "queued" | "running" | "done" | "failed";
        };
        ExportListDto: {
            /** @description newest first */
            exports: components["schemas"]["ExportDto"][];
        };
        ExportSettingsDto: {
            maxIpsWeight?: number;
            validationFraction?: number;
        };
        ExportSplitDto: {
            /**
             * @description time: the latest rows validate
             * @default random
             * @enum {string}
             */
            by?: "time" | "random";
            /**
             * @description Seed of the random split (and of downsampling)
             * @default 0
             */
            seed?: number;
            /** @description Share of rows for validation; default the model's exports.validationFraction */
            validation?: number;
        };
        ExposureDto: {
            /**
             * @description who chose to show this: the model, exploration, or nobody
             * @enum {string}
             */
            policy?: "model" | "explore" | "none";
            /** @description probability that the logging policy chose this */
            propensity?: number;
            /** @description whether the user saw it (absent = shown) */
            shown?: boolean;
        };
        ExposureViewDto: {
            /** @enum {string|null} */
            policy: "model" | "explore" | "none" | null;
            propensity: number | null;
            shown: boolean | null;
        };
        FeedbackCheckDto: {
            /** @description the recommended next step */
            action: string;
            /** @description what the number means for this model */
            explanation: string;
            /**
             * @description 95% interval [lo, hi] (self_agreement_gap: Newcombe)
             * @example [
             *       0.12,
             *       0.31
             *     ]
             */
            interval?: number[];
            /** @enum {string} */
            name: "exploration_share" | "model_driven_label_share" | "self_agreement_gap" | "selection_coverage" | "implicit_label_echo" | "class_prior_shift" | "exposure_concentration" | "missing_propensities" | "behaviour_label_quality";
            /**
             * @description unknown: cannot be computed; the explanation says why
             * @enum {string}
             */
            severity: "ok" | "warn" | "block" | "unknown";
            /** @description the model's feedback setting the value is judged against */
            threshold: number | null;
            /** @description null when the check cannot be computed (or, for coverage, a class was never labeled) */
            value: number | null;
        };
        FeedbackRecommendationDto: {
            /**
             * @description the mitigation an export request without one uses
             * @enum {string}
             */
            mitigation: "none" | "ips_weights" | "explore_only" | "downsample_model_driven" | "class_balance" | "label_quality";
            /** @description why, with the figures behind it */
            reason: string;
        };
        FeedbackReportDto: {
            checks: components["schemas"]["FeedbackCheckDto"][];
            model: string;
            recommendation: components["schemas"]["FeedbackRecommendationDto"];
            version: string | null;
            window: components["schemas"]["FeedbackWindowDto"];
            /**
             * @description the most severe finding; unknown checks do not raise it
             * @enum {string}
             */
            worst: "ok" | "warn" | "block";
        };
        FeedbackSettingsDto: {
            blockSelfAgreementGap?: number;
            maxCoverageRatio?: number;
            maxGiniIncrease?: number;
            maxImplicitEcho?: number;
            maxMissingPropensityShare?: number;
            maxModelDrivenShare?: number;
            maxPriorShift?: number;
            maxSelfAgreementGap?: number;
            minExplorationShare?: number;
            minSupport?: number;
        };
        FeedbackWindowDto: {
            /** @description null is unbounded */
            from: string | null;
            to: string | null;
        };
        FunctionDto: {
            /** @description against human labels */
            accuracy: number | null;
            /** @description against audit labels alone */
            audit: {
                [key: string]: unknown;
            } | null;
            /** @description 95% Wilson interval of accuracy */
            ci: number[] | null;
            conflict: number | null;
            /** @description share of all predictions it votes on */
            coverage: number | null;
            enabled: boolean;
            /** @description what the label model infers without labels */
            estimatedAccuracy: number | null;
            /** @enum {string} */
            kind: "keyword" | "regex" | "range" | "category" | "score" | "external";
            /** @description the class it votes for; null for external functions */
            label: string | null;
            /** @description human labels it was compared with */
            n: number;
            name: string;
            overlap: number | null;
            /** @description its kind-specific fields (feature, keywords, pattern, min, max, values, class) */
            parameters: {
                [key: string]: unknown;
            };
            perClass: {
                [key: string]: unknown;
            } | null;
            /** @description the classes it voted for */
            polarity: string[] | null;
            /** Format: date-time */
            updatedAt: string;
            version: number;
            votes: number | null;
        };
        FunctionListDto: {
            functions: components["schemas"]["FunctionDto"][];
            /** @description the last fit: fittedAt, method, agreement, priors, iterations */
            labelModel: {
                [key: string]: unknown;
            } | null;
            lastApply: components["schemas"]["RunDto"] | null;
        };
        ImplicitLabelDto: {
            /** @example 30m */
            after: string;
            label: string;
        };
        IngestResultDto: {
            /** @description rows stored by this request */
            accepted: number;
            /** @description identical re-sends of rows already stored */
            duplicates: number;
        };
        LabelingSettingsDto: {
            auditFraction?: number;
            labelsPerItem?: number;
            /** @example 10m */
            leaseTtl?: string;
        };
        LabelQualityDto: {
            bySlice: components["schemas"]["SliceQualityDto"][];
            model: string;
            /** @description each behaviour source (direct per rule) on the whole model */
            sources: components["schemas"]["SourceQualityDto"][];
        };
        LabelResultDto: {
            effectiveLabel: components["schemas"]["EffectiveLabelDto"] | null;
            model: string;
            predictionId: string;
        };
        LabelRuleDto: {
            /** @description event type, e.g. click, purchase, report_spam */
            event: string;
            /** @description a registered class */
            label: string;
            /** @description higher wins when several rules match */
            priority: number;
            /** @description condition on the event's value */
            when?: components["schemas"]["RuleConditionDto"];
            /**
             * @description attribution window from the prediction time
             * @example 30m
             */
            within: string;
        };
        LeasedTaskDto: {
            /** Format: uuid */
            batchId: string;
            /** Format: date-time */
            leaseExpiresAt: string;
            model: string;
            prediction: components["schemas"]["PredictionViewDto"];
            predictionId: string;
            /** @enum {string} */
            reason: "least_confidence" | "margin" | "entropy" | "random" | "audit";
            /** @description the uncertainty score it was ranked by; null for random and audit picks */
            score: number | null;
            /** Format: uuid */
            taskId: string;
        };
        LfVotesDto: {
            /**
             * @description A registered function of kind external
             * @example sender_reputation
             */
            function: string;
            /** @description Abstentions are simply not sent */
            votes: components["schemas"]["VoteDto"][];
        };
        ManualLabelDto: {
            /** @description one of the model's classes */
            label: string;
            model: string;
            predictionId: string;
        };
        ModelDto: {
            /** @description minAccuracy, maxDrop, baselineWindow, minSupport, minGap */
            alerts: {
                [key: string]: unknown;
            };
            classes: string[];
            /** Format: date-time */
            createdAt: string;
            /** @example 10m */
            eventGrace: string;
            /** @example 7d */
            eventRetention: string;
            /** @description export settings such as maxIpsWeight */
            exports: {
                [key: string]: unknown;
            };
            /** @description feature -> {type, ...}; null when undeclared */
            featureSchema: {
                [key: string]: unknown;
            } | null;
            /** @description the feedback-report thresholds */
            feedback: {
                [key: string]: unknown;
            };
            implicitLabel: {
                [key: string]: unknown;
            } | null;
            /** @description leaseTtl, labelsPerItem, auditFraction */
            labeling: {
                [key: string]: unknown;
            };
            labelRules: {
                [key: string]: unknown;
            }[];
            labelSourceOrder: string[];
            name: string;
            /** @description bumped by every replacement */
            revision: number;
            sliceCrosses: string[][];
            sliceKeys: string[];
            /** Format: date-time */
            updatedAt: string;
        };
        ModelListDto: {
            models: components["schemas"]["ModelDto"][];
        };
        OverallDto: {
            /** @description correct / n; null when n is 0 */
            accuracy: number | null;
            audit: components["schemas"]["AuditPlanDto"];
            /** @description label accuracy lies outside the estimate's 95% interval */
            biased: boolean;
            /**
             * @description 95% Wilson interval [lo, hi]; null when n is 0
             * @example [
             *       0.81,
             *       0.9
             *     ]
             */
            ci: number[] | null;
            /** @description actual class -> predicted class -> count */
            confusion: {
                [key: string]: {
                    [key: string]: number;
                };
            };
            /** @description of them, predicted correctly */
            correct: number;
            /** @description null without audit labels; see estimatedReason */
            estimated: components["schemas"]["EstimatedDto"] | null;
            /** @enum {string|null} */
            estimatedReason: "no_audit_labels" | "unaudited_stratum" | null;
            /** @description labeled predictions */
            n: number;
            /** @description class -> {precision, recall, f1, support} */
            perClass: {
                [key: string]: components["schemas"]["ClassMetricsDto"];
            };
        };
        PredictionBatchDto: {
            predictions: components["schemas"]["PredictionInputDto"][];
        };
        PredictionDto: {
            /** @description the label that counts, by labelSourceOrder */
            effectiveLabel: components["schemas"]["EffectiveLabelDto"] | null;
            /** @description its behaviour events, with their join state */
            events: {
                [key: string]: unknown;
            }[];
            exposure: components["schemas"]["ExposureViewDto"] | null;
            features: {
                [key: string]: unknown;
            };
            id: string;
            itemId: string | null;
            /** @description every label, with source and provenance */
            labels: {
                [key: string]: unknown;
            }[];
            model: string;
            modelVersion: string;
            prediction: string;
            /** Format: date-time */
            receivedAt: string;
            scores: {
                [key: string]: number;
            };
            slices: {
                [key: string]: string;
            };
            /** Format: date-time */
            timestamp: string;
            traceId: string | null;
            uncertainty: components["schemas"]["UncertaintyDto"];
        };
        PredictionInputDto: {
            exposure?: components["schemas"]["ExposureDto"];
            /** @description flat; null allowed */
            features: {
                [key: string]: string | number | boolean;
            };
            /** @description the caller's request id, unique per model */
            id: string;
            itemId?: string;
            model: string;
            modelVersion: string;
            /** @description a registered class */
            prediction: string;
            /** @description class -> probability, summing to 1 within 1e-3 */
            scores: {
                [key: string]: number;
            };
            /** @description explicit slice values (keys from sliceKeys); otherwise taken from features */
            slices?: {
                [key: string]: string;
            };
            /**
             * Format: date-time
             * @description default now; at most 5 minutes in the future
             */
            timestamp?: string;
            /** @description also read from a W3C traceparent header */
            traceId?: string;
        };
        PredictionViewDto: {
            exposure: components["schemas"]["ExposureViewDto"] | null;
            features: {
                [key: string]: unknown;
            };
            id: string;
            itemId: string | null;
            model: string;
            modelVersion: string;
            prediction: string;
            /** Format: date-time */
            receivedAt: string;
            scores: {
                [key: string]: number;
            };
            slices: {
                [key: string]: string;
            };
            /** Format: date-time */
            timestamp: string;
            traceId: string | null;
            uncertainty: components["schemas"]["UncertaintyDto"];
        };
        PutFunctionDto: {
            /** @description score: the class whose score the model's own output is compared on */
            class?: string;
            /** @default true */
            enabled?: boolean;
            /** @description keyword, regex, range, category: the feature it reads */
            feature?: string;
            /** @description keyword: words or phrases, matched whole-word, case-folded */
            keywords?: string[];
            /** @enum {string} */
            kind: "keyword" | "regex" | "range" | "category" | "score" | "external";
            /** @description The class it votes for (optional for external functions, whose votes carry their own) */
            label?: string;
            /** @description range: upper bound (inclusive) */
            max?: number;
            /** @description range: lower bound (inclusive); score: the least score of `class` */
            min?: number;
            /** @description regex: a pattern of the linear-time subset (no backreferences or lookaround), case-folded */
            pattern?: string;
            /** @description category: the values it fires on */
            values?: string[];
        };
        PutFunctionResultDto: {
            /** @description against human labels */
            accuracy: number | null;
            /**
             * Format: uuid
             * @description the apply run it started (new or changed functions)
             */
            applyRun: string | null;
            /** @description against audit labels alone */
            audit: {
                [key: string]: unknown;
            } | null;
            /** @description 95% Wilson interval of accuracy */
            ci: number[] | null;
            conflict: number | null;
            /** @description share of all predictions it votes on */
            coverage: number | null;
            enabled: boolean;
            /** @description what the label model infers without labels */
            estimatedAccuracy: number | null;
            /** @enum {string} */
            kind: "keyword" | "regex" | "range" | "category" | "score" | "external";
            /** @description the class it votes for; null for external functions */
            label: string | null;
            /** @description human labels it was compared with */
            n: number;
            name: string;
            overlap: number | null;
            /** @description its kind-specific fields (feature, keywords, pattern, min, max, values, class) */
            parameters: {
                [key: string]: unknown;
            };
            perClass: {
                [key: string]: unknown;
            } | null;
            /** @description the classes it voted for */
            polarity: string[] | null;
            /** Format: date-time */
            updatedAt: string;
            version: number;
            votes: number | null;
        };
        QuotaOutcomeDto: {
            asked: number;
            filled: number;
            /** @description done, skipped, leased, ... of this class */
            progress: {
                [key: string]: unknown;
            };
            /** @description why filled differs from asked */
            reason: string | null;
            /** @description share of the non-audit part */
            share: number;
            shortBy: number;
        };
        RuleConditionDto: {
            /** @enum {string} */
            op: ">" | ">=" | "<" | "<=" | "==";
            value: number;
        };
        RunDto: {
            /** Format: date-time */
            createdAt: string;
            error: string | null;
            /** Format: date-time */
            finishedAt: string | null;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            kind: "apply" | "fit";
            /** @description 0..1 */
            progress: number;
            /** @description what the run found or fitted, once done */
            result: {
                [key: string]: unknown;
            } | null;
            /** @enum {string} */
            status: "queued" | "running" | "done" | "failed";
        };
        SeriesPointDto: {
            /** @description correct / n; null when n is 0 */
            accuracy: number | null;
            /**
             * @description 95% Wilson interval [lo, hi]; null when n is 0
             * @example [
             *       0.81,
             *       0.9
             *     ]
             */
            ci: number[] | null;
            /** @description of them, predicted correctly */
            correct: number;
            /** @description labeled predictions */
            n: number;
            /** @description start of the bucket, ISO 8601 */
            t: string;
        };
        SliceQualityDto: {
            key: string;
            sources: components["schemas"]["SourceQualityDto"][];
            value: string;
        };
        SliceRefDto: {
            /** @example weather */
            key: string;
            /** @example rain */
            value: string;
        };
        SliceReportDto: {
            /** @description accuracy on audit labels alone (a random sample: the unbiased estimate); null without any */
            audit: components["schemas"]["AccuracyDto"] | null;
            model: string;
            overall: components["schemas"]["OverallDto"];
            /** @description each slice value with labels, by declared key, then value */
            slices: components["schemas"]["SliceRowDto"][];
            /** @enum {string} */
            source: "all" | "manual" | "audit" | "direct" | "weak" | "implicit";
            version: string | null;
            window: components["schemas"]["WindowDto"];
        };
        SliceRowDto: {
            /** @description correct / n; null when n is 0 */
            accuracy: number | null;
            audit: components["schemas"]["AuditPlanDto"];
            /** @description label accuracy lies outside the estimate's 95% interval */
            biased: boolean;
            /**
             * @description 95% Wilson interval [lo, hi]; null when n is 0
             * @example [
             *       0.81,
             *       0.9
             *     ]
             */
            ci: number[] | null;
            /** @description actual class -> predicted class -> count */
            confusion: {
                [key: string]: {
                    [key: string]: number;
                };
            };
            /** @description of them, predicted correctly */
            correct: number;
            /** @description accuracy minus the overall accuracy */
            delta: number;
            /** @description null without audit labels; see estimatedReason */
            estimated: components["schemas"]["EstimatedDto"] | null;
            /** @enum {string|null} */
            estimatedReason: "no_audit_labels" | "unaudited_stratum" | null;
            /** @description interval wholly below alerts.minAccuracy, or wholly below the rest of the model, with n >= alerts.minSupport */
            flagged: boolean;
            /** @enum {string|null} */
            flagReason: "below_min_accuracy" | "below_rest" | null;
            /**
             * @description slice key, or two joined by × for a cross
             * @example country
             */
            key: string;
            /** @description labeled predictions */
            n: number;
            /** @description class -> {precision, recall, f1, support} */
            perClass: {
                [key: string]: components["schemas"]["ClassMetricsDto"];
            };
            /** @example de */
            value: string;
        };
        SliceSeriesDto: {
            /** @enum {string} */
            bucket: "hour" | "day";
            key: string;
            model: string;
            /** @description buckets with at least one label, oldest first */
            points: components["schemas"]["SeriesPointDto"][];
            value: string;
            window: components["schemas"]["WindowDto"];
        };
        SourceQualityDto: {
            agreement: number | null;
            /** @description the same figures over audit labels alone */
            audit: components["schemas"]["AgreementFiguresDto"];
            /** @description 95% Wilson interval [lo, hi] */
            ci: number[] | null;
            /** @description source label -> human label -> count */
            confusion: {
                [key: string]: {
                    [key: string]: number;
                };
            };
            /** @description predictions with both this source label and a human label */
            n: number;
            /** @description of n, those whose human label is an audit label (a uniform sample) */
            nAudit: number;
            /** @description source label -> agreement; "not measured" without human labels */
            perClass: {
                [key: string]: components["schemas"]["ClassAgreementDto"];
            };
            /** @description the direct rule's event (and condition) */
            rule?: string;
            /** @description direct, implicit or weak */
            source: string;
        };
        StartRunDto: {
            /** @description apply: only these functions */
            functions?: string[];
            /**
             * @description apply: run the functions over all history; fit: refit the label model now
             * @enum {string}
             */
            kind: "apply" | "fit";
        };
        SubmitResultDto: {
            effectiveLabel: components["schemas"]["EffectiveLabelDto"] | null;
            predictionId: string;
            /** @enum {string} */
            status: "done" | "skipped";
            /** Format: uuid */
            taskId: string;
        };
        SubmitTaskDto: {
            /** @description one of the model's classes */
            label?: string;
            /** @enum {boolean} */
            skip?: true;
        };
        TokenDto: {
            /** Format: date-time */
            createdAt: string;
            /** @description Name of the token that created it, "cli", "environment" or "first-start" */
            createdBy: string | null;
            /** Format: uuid */
            id: string;
            /**
             * Format: date-time
             * @description Updated at most once a minute
             */
            lastUsedAt: string | null;
            name: string;
            /**
             * @description The first characters of the secret, to tell tokens apart
             * @example rl_q3Xv9aB
             */
            prefix: string;
            /** Format: date-time */
            revokedAt: string | null;
            /** @enum {string} */
            role: "ingest" | "labeler" | "admin";
        };
        TokenListDto: {
            /** @description Every token, revoked ones included, oldest first */
            tokens: components["schemas"]["TokenDto"][];
        };
        UncertaintyDto: {
            /** @description entropy of the scores, in nats */
            entropy: number;
            /** @description 1 - the top score */
            leastConfidence: number;
            /** @description top score - second score */
            margin: number;
        };
        UpsertModelDto: {
            alerts?: components["schemas"]["AlertSettingsDto"];
            /**
             * @example [
             *       "purchase",
             *       "click",
             *       "ignore"
             *     ]
             */
            classes: string[];
            /**
             * @description windows close no sooner than this after the prediction was logged (at most the window itself), so back-filled history can be followed by its events
             * @example 10m
             */
            eventGrace?: string;
            /**
             * @description how long events wait for their prediction before they count as orphaned
             * @example 7d
             */
            eventRetention?: string;
            exports?: components["schemas"]["ExportSettingsDto"];
            /** @description per feature: {type: number, min?, max?} | {type: category, values} | {type: text, maxLength?} | {type: boolean}; each may set required */
            featureSchema?: {
                [key: string]: unknown;
            };
            feedback?: components["schemas"]["FeedbackSettingsDto"];
            /** @description allow removing classes that stored predictions use */
            force?: boolean;
            implicitLabel?: components["schemas"]["ImplicitLabelDto"] | null;
            labeling?: components["schemas"]["LabelingSettingsDto"];
            labelRules?: components["schemas"]["LabelRuleDto"][];
            /** @description which label source wins, first highest */
            labelSourceOrder?: ("manual" | "audit" | "direct" | "weak" | "implicit")[];
            /**
             * @example [
             *       [
             *         "country",
             *         "device"
             *       ]
             *     ]
             */
            sliceCrosses?: string[][];
            /**
             * @description feature names to slice accuracy by
             * @example [
             *       "country",
             *       "device"
             *     ]
             */
            sliceKeys?: string[];
        };
        VoteDto: {
            /** @example spam */
            label: string;
            /** @example p-123 */
            predictionId: string;
        };
        WindowDto: {
            /** @description hour-aligned; null is unbounded */
            from: string | null;
            to: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    EventsController_ingest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EventInputDto"] | components["schemas"]["EventBatchDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventIngestResultDto"];
                };
            };
            /** @description invalid rows, each listed; nothing stored */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description an id is stored with different content; nothing stored */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ExportsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description export_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ExportsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description export_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description export_not_finished */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ExportsController_download: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the file (CSV, JSONL or Parquet, by the export's format) as an attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description id: must be a UUID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description export_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description export_not_ready */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_batch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchDetailDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description batch_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_submit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubmitTaskDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubmitResultDto"];
                };
            };
            /** @description label_or_skip, or invalid request naming each bad field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description task_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description the lease is not yours (it expired and was leased to someone else), or the task is finished */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_undo: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the task leased to you again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeasedTaskDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description task_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description not_your_task, task_not_finished or not_your_last_task */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ManualLabelDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelResultDto"];
                };
            };
            /** @description invalid_label (not one of the model's classes) or invalid request naming each bad field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description prediction_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ModelsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelListDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ModelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the model with every settings section and its defaults */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ModelsController_upsert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpsertModelDto"];
            };
        };
        responses: {
            /** @description the model, replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description the model, created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description invalid_model_name, or invalid_model / invalid request naming each bad field in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description classes_in_use: stored predictions use a class the new definition drops (send force: true) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    AlertsController_list: {
        parameters: {
            query?: {
                kind?: "all" | "accuracy" | "drift";
                limit?: number;
                state?: "firing" | "resolved" | "all";
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertListDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    MonitoringController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BaselineListDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    MonitoringController_create: {
        parameters: {
            query?: {
                /** @description CSV/Parquet uploads: make it the model's default baseline */
                default?: "true" | "false";
                /** @description CSV/Parquet uploads: the baseline name (letters, digits, . _ -) */
                name?: string;
                /** @description CSV/Parquet uploads: the model version the training rows are for */
                version?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        /** @description JSON; or the CSV or Parquet file itself */
        requestBody: {
            content: {
                "application/json": components["schemas"]["BaselineRequestDto"];
                "application/octet-stream": components["schemas"]["BaselineRequestDto"];
                "application/vnd.apache.parquet": components["schemas"]["BaselineRequestDto"];
                "text/csv": components["schemas"]["BaselineRequestDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BaselineDto"];
                };
            };
            /** @description invalid_baseline, invalid_baseline_rows, invalid_baseline_file (naming the line, row or column) or empty_baseline_window */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description the file is over the body size limit (BODY_LIMIT_MB) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description unsupported_media_type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    MonitoringController_report: {
        parameters: {
            query?: {
                /** @description a baseline's name; the model's default baseline when absent */
                baseline?: string;
                /** @description ISO 8601; prediction time from (inclusive), widened to its hour (day for windows over 3 days); default to − 24 h */
                from?: string;
                /** @description PSI on every cell instead of the defaults (threshold 0.2) */
                metric?: "psi";
                /** @description ISO 8601; prediction time to (exclusive), widened to its hour or day; default now */
                to?: string;
                /** @description one model version; all versions when absent */
                version?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DriftReportDto"];
                };
            };
            /** @description invalid request naming each bad query field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found, no_default_baseline or baseline_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    MonitoringController_estimate: {
        parameters: {
            query?: {
                /** @description ISO 8601; prediction time from (inclusive), widened to its hour (day for windows over 3 days); default to − 24 h */
                from?: string;
                /** @description ISO 8601; prediction time to (exclusive), widened to its hour or day; default now */
                to?: string;
                /** @description one model version; all versions when absent */
                version?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EstimatedPerformanceDto"];
                };
            };
            /** @description invalid request naming each bad query field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ExportsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportListDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    ExportsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateExportDto"];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportCreatedDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description unacknowledged_findings: details.report, details.unacknowledged */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    FeedbackController_report: {
        parameters: {
            query?: {
                /** @description ISO 8601; prediction time from (inclusive) */
                from?: string;
                /** @description ISO 8601; prediction time to (exclusive) */
                to?: string;
                /** @description one model version; all versions when absent */
                version?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackReportDto"];
                };
            };
            /** @description a bad query value, named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    QualityController_labelQuality: {
        parameters: {
            query?: {
                /** @description ISO 8601; prediction time from (inclusive), widened to its hour */
                from?: string;
                /** @description ISO 8601; prediction time to (exclusive), widened to its hour */
                to?: string;
                /** @description one model version; all versions when absent */
                version?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LabelQualityDto"];
                };
            };
            /** @description a bad query value, named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_listBatches: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description newest first, with progress per batch and per class quota */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchDto"][];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_createBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateBatchDto"];
            };
        };
        responses: {
            /** @description the batch, with asked / filled / shortBy / reason per class quota and for the audit sample */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchDetailDto"];
                };
            };
            /** @description bad fields, each named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FunctionListDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FunctionDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description labeling_function_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutFunctionDto"];
            };
        };
        responses: {
            /** @description the labeling function, with the apply run it started when new or changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PutFunctionResultDto"];
                };
            };
            /** @description invalid_labeling_function with details per field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description labeling_function_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_next: {
        parameters: {
            query?: {
                /** @description only tasks of this batch */
                batch?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeasedTaskDto"];
                };
            };
            /** @description nothing left for this labeler */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found or batch_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    LabelingController_undoLast: {
        parameters: {
            query?: {
                /** @description only tasks of this batch */
                batch?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the task leased to you again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LeasedTaskDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description nothing_to_undo, model_not_found or batch_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_ingest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LfVotesDto"];
            };
        };
        responses: {
            /** @description {accepted, ...}: the votes stored */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description invalid request naming each bad field (and row index) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description labeling_function_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description labeling_function_not_external */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    PredictionsController_findOne: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PredictionDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description prediction_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    SlicesController_report: {
        parameters: {
            query?: {
                /** @description ISO 8601; prediction time from (inclusive), widened to the start of its hour */
                from?: string;
                /** @description count only labels of this source */
                source?: "all" | "manual" | "audit" | "direct" | "weak" | "implicit";
                /** @description the 95% interval half-width each slice's audit plan aims at */
                targetHalfWidth?: number;
                /** @description ISO 8601; prediction time to (exclusive), widened to the end of its hour */
                to?: string;
                /** @description one model version; all versions when absent */
                version?: string;
            };
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SliceReportDto"];
                };
            };
            /** @description a bad query value, named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    SlicesController_series: {
        parameters: {
            query?: {
                bucket?: "hour" | "day";
                /** @description ISO 8601; prediction time from (inclusive), widened to the start of its hour */
                from?: string;
                /** @description count only labels of this source */
                source?: "all" | "manual" | "audit" | "direct" | "weak" | "implicit";
                /** @description ISO 8601; prediction time to (exclusive), widened to the end of its hour */
                to?: string;
                /** @description one model version; all versions when absent */
                version?: string;
            };
            header?: never;
            path: {
                /** @description a slice key, a cross such as country×device, or * */
                key: string;
                model: string;
                /** @description a slice value, a cross value such as de×mobile, or * */
                value: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SliceSeriesDto"];
                };
            };
            /** @description a bad query value, named in details */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found or slice_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_start: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StartRunDto"];
            };
        };
        responses: {
            /** @description the run, queued; poll GET weak-runs/{id} */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDto"];
                };
            };
            /** @description invalid request naming each bad field */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description model_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    WeakController_run: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDto"];
                };
            };
            /** @description id: must be a UUID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description run_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    PredictionsController_ingest: {
        parameters: {
            query?: never;
            header: {
                traceparent: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PredictionInputDto"] | components["schemas"]["PredictionBatchDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngestResultDto"];
                };
            };
            /** @description invalid rows, each listed with index, field and message; nothing stored */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (the token's role may not call this route), or invalid_csrf_token for a session caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description an id is stored with different content; nothing stored */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description body over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    TokensController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenListDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (admins only), or invalid_csrf_token for session callers */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    TokensController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateTokenDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedTokenDto"];
                };
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (admins only), or invalid_csrf_token for session callers */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
    TokensController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (or already revoked) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description missing_or_invalid_token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description role_not_allowed (admins only), or invalid_csrf_token for session callers */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description token_not_found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description too_many_failed_authentications from this address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
            /** @description database_unavailable; Retry-After (seconds) says when to retry */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiErrorDto"];
                };
            };
        };
    };
}
