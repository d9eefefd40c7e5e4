/**
 * The products the endpoint answers, by version: a request names its product by its `Version`
 * (the `x-acs-version` header with ACS3), and an action is looked up in that product only, since
 * two products may serve actions of the same name with different parameters.
 */
import type { Product } from './define.js';
import { actiontrail } from './actiontrail/index.js';
import { ram } from './ram/index.js';
import { resourceDirectoryMaster } from './resource-directory-master/index.js';
import { sts } from './sts/index.js';

export const products: ReadonlyMap<string, Product> = new Map([resourceDirectoryMaster, ram, sts, actiontrail].map((product) => [product.version, product]));
