import { memoryStorage } from '../../../src/storage/memory/memory-storage.js'
import { runStorageContract } from '../storage-contract.js'

runStorageContract('memory', () => memoryStorage())
